using BatchEmbed.Domain.Results;

namespace BatchEmbed.Domain.Tests;

public sealed class ResultReconcilerTests
{
    [Fact]
    public void Every_planned_request_ends_ok_failed_or_missing_and_extras_are_flagged()
    {
        var rec = new ResultReconciler(["c|1|0", "c|2|0", "c|3|0", "c|4|0", "c|5|0"]);
        Assert.Equal(ResultOutcome.Ok, rec.Observe(Ok("c|2|0")));
        Assert.Equal(ResultOutcome.Ok, rec.Observe(Ok("c|1|0")));
        Assert.Equal(ResultOutcome.Duplicate, rec.Observe(Ok("c|1|0")));
        Assert.Equal(ResultOutcome.Unexpected, rec.Observe(Ok("c|99|0")));
        Assert.Equal(ResultOutcome.Failed, rec.Observe(Err("c|3|0", "server_error")));
        Assert.Equal(ResultOutcome.Missing, rec.Observe(Err("c|4|0", "batch_expired")));

        ReconcileReport report = rec.Complete("batch_cancelled", "cancelled before it ran");
        Assert.Equal(5, report.Expected);
        Assert.Equal(2, report.Ok);
        Assert.Equal("server_error", Assert.Single(report.Failed).Code);
        Assert.Equal(["c|4|0", "c|5|0"], report.Missing.Select(m => m.CustomId).Order());
        Assert.Equal("batch_cancelled", report.Missing.Single(m => m.CustomId == "c|5|0").Code);
        Assert.Equal(["c|1|0"], report.Duplicates);
        Assert.Equal(["c|99|0"], report.Unexpected);
        Assert.Equal(report.Expected, report.Ok + report.Failed.Count + report.Missing.Count);
        Assert.False(report.IsComplete);
    }

    private static BatchResultLine Ok(string id) => new(1, ResultLineKind.Success, id, 200, [[1f]], null, null, null, 1, 0);

    private static BatchResultLine Err(string id, string code) => new(1, ResultLineKind.Error, id, null, [], null, code, "m", 0, 0);
}

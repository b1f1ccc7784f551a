using System.Net;
using System.Text;
using BatchEmbed.Connectors.Batches;
using BatchEmbed.Domain.Planning;

namespace BatchEmbed.OpenAIEmulator.Tests;

public sealed class ValidationTests
{
    private const string Ok = """{"custom_id":"c|1|0","method":"POST","url":"/v1/embeddings","body":{"model":"text-embedding-3-small","input":"hello"}}""";

    public static TheoryData<string, string, string, int?> BadFiles => new()
    {
        { "bad json", Ok + "\n{\"custom_id\": oops\n", "invalid_json_line", 2 },
        { "duplicate custom_id", Ok + "\n" + Ok + "\n", "duplicate_custom_id", 2 },
        { "url mismatch", Ok.Replace("\"url\":\"/v1/embeddings\"", "\"url\":\"/v1/chat/completions\"", StringComparison.Ordinal) + "\n", "url_mismatch", 1 },
        { "mixed models", Ok + "\n" + Ok.Replace("c|1|0", "c|2|0", StringComparison.Ordinal).Replace("3-small", "3-large", StringComparison.Ordinal) + "\n", "model_mismatch", 2 },
        { "byte order mark", "\uFEFF" + Ok + "\n", "invalid_json_line", 1 },
        { "input over the token limit", Ok.Replace("\"hello\"", "\"" + string.Concat(Enumerable.Repeat("word ", 60)) + "\"", StringComparison.Ordinal) + "\n", "invalid_request", 1 },
        { "too many requests", string.Concat(Enumerable.Range(0, 6).Select(i => Ok.Replace("c|1|0", $"c|{i}|0", StringComparison.Ordinal) + "\n")), "too_many_tasks", null },
        { "too many inputs", Ok.Replace("\"hello\"", "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\"]", StringComparison.Ordinal) + "\n", "too_many_tasks", null },
    };

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(BadFiles))]
    public async Task Invalid_input_files_fail_the_batch_with_code_message_and_line(string name, string content, string code, int? line)
    {
        await using var emu = await EmulatorFixture.StartAsync(o =>
        {
            o.MaxRequestsPerBatch = 5;
            o.MaxEmbeddingInputsPerBatch = 7;
            o.MaxInputTokens = 50;
        });
        string fileId = await emu.UploadAsync(content);
        ProviderBatch created = await emu.Provider.CreateBatchAsync(new BatchCreateRequest("b-" + name.Replace(' ', '-'), fileId, BatchEndpoints.Embeddings), CancellationToken.None);
        ProviderBatch failed = await emu.WaitTerminalAsync(created.Id);
        Assert.Equal("failed", failed.Status);
        ProviderBatchError error = Assert.Single(failed.Errors, e => e.Code == code);
        Assert.Equal(line, error.Line);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.Null(failed.OutputFileId);
    }

    [Fact(Timeout = 60_000)]
    public async Task Create_refuses_unknown_endpoints_and_missing_files_and_the_gateway_types_the_errors()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        string fileId = await emu.UploadAsync(Ok + "\n");
        var unknown = await Assert.ThrowsAsync<BatchProviderException>(() => emu.Provider.CreateBatchAsync(new BatchCreateRequest("x1", fileId, "/v1/fine_tuning"), CancellationToken.None));
        Assert.Equal(BatchProviderErrorKind.Validation, unknown.Kind);
        var missing = await Assert.ThrowsAsync<BatchProviderException>(() => emu.Provider.CreateBatchAsync(new BatchCreateRequest("x2", "file-nope", BatchEndpoints.Embeddings), CancellationToken.None));
        Assert.Equal(BatchProviderErrorKind.NotFound, missing.Kind);
        var gone = await Assert.ThrowsAsync<BatchProviderException>(() => emu.Provider.GetBatchAsync("batch_nope", CancellationToken.None));
        Assert.Equal(BatchProviderErrorKind.NotFound, gone.Kind);
        Assert.Equal(HttpStatusCode.NotFound, (await emu.Http.GetAsync("files/file-nope")).StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task Uploads_must_be_jsonl_for_purpose_batch()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        using var form = new MultipartFormDataContent { { new StringContent("batch"), "purpose" }, { new ByteArrayContent(Encoding.UTF8.GetBytes(Ok)), "file", "input.csv" } };
        HttpResponseMessage r = await emu.Http.PostAsync("files", form);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains(".jsonl", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("openai")]
    [InlineData("azure-fail-fast")]
    public async Task The_enqueued_token_limit_fails_the_batch_or_refuses_the_create_by_profile(string profile)
    {
        await using var emu = await EmulatorFixture.StartAsync(o =>
        {
            o.Profile = profile;
            o.EnqueuedTokenLimit = 5;
        });
        string fileId = await emu.UploadAsync(Ok.Replace("\"hello\"", "\"a much longer text with many tokens in it\"", StringComparison.Ordinal) + "\n");
        if (profile == "openai")
        {
            ProviderBatch b = await emu.WaitTerminalAsync((await emu.Provider.CreateBatchAsync(new BatchCreateRequest("tok", fileId, BatchEndpoints.Embeddings), CancellationToken.None)).Id);
            Assert.Equal("failed", b.Status);
            Assert.Equal("token_limit_exceeded", Assert.Single(b.Errors).Code);
            Assert.Contains("the limit is 5", b.Errors[0].Message, StringComparison.Ordinal); // stated, as OpenAI's message does
            Assert.Null(await emu.Provider.FindBatchAsync("tok", CancellationToken.None)); // a refused batch is never "the one already created"
        }
        else
        {
            var ex = await Assert.ThrowsAsync<BatchProviderException>(() => emu.Provider.CreateBatchAsync(new BatchCreateRequest("tok", fileId, BatchEndpoints.Embeddings), CancellationToken.None));
            Assert.Equal(BatchProviderErrorKind.Validation, ex.Kind);
            Assert.Equal("token_limit_exceeded", ex.ErrorCode);
            Assert.Contains("Enqueued token limit", ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory(Timeout = 60_000)]
    [InlineData("openai")]
    [InlineData("azure-fail-fast")]
    public async Task Concurrent_batches_never_hold_more_than_the_enqueued_token_limit(string profile)
    {
        await using var emu = await EmulatorFixture.StartAsync(o =>
        {
            o.Profile = profile;
            o.LinesPerSecond = 2; // a batch of 8 lines stays in progress for 4 s, long after the others are created
        });
        string file = string.Concat(Enumerable.Range(0, 8).Select(i => Ok.Replace("c|1|0", $"c|{i}|0", StringComparison.Ordinal).Replace("\"hello\"", "\"a much longer text with many tokens in it\"", StringComparison.Ordinal) + "\n"));
        await emu.WaitTerminalAsync((await emu.Provider.CreateBatchAsync(new BatchCreateRequest("probe", await emu.UploadAsync(file), BatchEndpoints.Embeddings), CancellationToken.None)).Id);
        long perBatch = emu.Server.PeakEnqueuedTokens;
        Assert.True(perBatch > 0);
        emu.Server.Options.EnqueuedTokenLimit = perBatch * 5 / 2; // room for two at once

        string[] files = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => emu.UploadAsync(file)));
        var created = await Task.WhenAll(files.Select(async (f, i) =>
        {
            try
            {
                return (ProviderBatch?)await emu.Provider.CreateBatchAsync(new BatchCreateRequest($"b{i}", f, BatchEndpoints.Embeddings), CancellationToken.None);
            }
            catch (BatchProviderException ex) when (ex.Message.Contains("Enqueued token limit", StringComparison.Ordinal))
            {
                return null; // azure-fail-fast: refused at create
            }
        }));
        ProviderBatch[] done = await Task.WhenAll(created.Where(b => b is not null).Select(b => emu.WaitTerminalAsync(b!.Id)));
        Assert.InRange(emu.Server.PeakEnqueuedTokens, perBatch, perBatch * 5 / 2);
        int completed = done.Count(b => b.Status == "completed");
        int refused = done.Count(b => b.Errors.Any(e => e.Code == "token_limit_exceeded")) + created.Count(b => b is null);
        Assert.True(completed >= 1 && refused >= 1, $"{completed} completed, {refused} refused");
        Assert.Equal(8, completed + refused);
    }

    [Fact(Timeout = 60_000)]
    public async Task Keys_are_required_as_bearer_or_api_key_and_wrong_ones_get_401()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = emu.Server.BaseUrl };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("v1/batches")).StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "v1/batches");
        wrong.Headers.Authorization = new("Bearer", "nope");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(wrong)).StatusCode);
        using var azure = new HttpRequestMessage(HttpMethod.Get, "openai/v1/batches");
        azure.Headers.Add("api-key", EmulatorFixture.Key);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(azure)).StatusCode);

        var gateway = new BatchEmbed.Connectors.OpenAI.OpenAIBatchProvider(new() { Profile = "emulator", Endpoint = emu.Server.OpenAIEndpoint, ApiKey = "wrong" });
        var ex = await Assert.ThrowsAsync<BatchProviderException>(() => gateway.GetBatchAsync("batch_x", CancellationToken.None));
        Assert.Equal(BatchProviderErrorKind.Auth, ex.Kind);
    }
}

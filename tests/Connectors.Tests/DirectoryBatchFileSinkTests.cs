using BatchEmbed.Connectors.Files;

namespace BatchEmbed.Connectors.Tests;

public sealed class DirectoryBatchFileSinkTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sink-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_file_appears_under_its_batch_id_only_once_committed()
    {
        var sink = new DirectoryBatchFileSink(_dir);
        await using (Stream s = await sink.CreateAsync(0, CancellationToken.None))
        {
            await s.WriteAsync("{\"custom_id\":\"a\"}\n"u8.ToArray());
        }

        Assert.Empty(Directory.GetFiles(_dir, "*.jsonl"));
        string path = await sink.CommitAsync(0, "emb-lines-0123", CancellationToken.None);

        Assert.Equal(Path.Combine(_dir, "emb-lines-0123.jsonl"), path);
        Assert.Equal("{\"custom_id\":\"a\"}\n", await File.ReadAllTextAsync(path));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public async Task Committing_the_same_batch_id_again_replaces_the_file_whole()
    {
        var sink = new DirectoryBatchFileSink(_dir);
        foreach (string content in new[] { "first\n", "second\n" })
        {
            await using (Stream s = await sink.CreateAsync(0, CancellationToken.None))
            {
                await s.WriteAsync(System.Text.Encoding.UTF8.GetBytes(content));
            }

            await sink.CommitAsync(0, "emb-x", CancellationToken.None);
        }

        Assert.Equal("second\n", await File.ReadAllTextAsync(Path.Combine(_dir, "emb-x.jsonl")));
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}

using BatchEmbed.Connectors.Batches;
using BatchEmbed.Connectors.OpenAI;
using BatchEmbed.Domain.Planning;

namespace BatchEmbed.OpenAIEmulator.Tests;

public sealed class AzureProfileTests
{
    [Fact(Timeout = 60_000)]
    public async Task The_azure_profile_uses_the_v1_path_and_api_key_header_and_declares_no_batch_embeddings()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        var azure = new OpenAIBatchProvider(new OpenAIProviderOptions { Profile = "azure", Endpoint = emu.Server.AzureEndpoint, ApiKey = EmulatorFixture.Key });
        Assert.False(azure.Profile.SupportsBatchEmbeddings);
        Assert.Equal(100_000, azure.Profile.MaxRequestsPerBatch);

        string lines = string.Concat(Enumerable.Range(0, 3).Select(i =>
            "{\"custom_id\":\"labels|" + i + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"my-gpt4o-mini-deployment\",\"messages\":[{\"role\":\"user\",\"content\":\"hi " + i + "\"}]}}\n"));
        string fileId;
        using (var input = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(lines)))
        {
            fileId = await azure.UploadBatchFileAsync(input, "labels.jsonl", CancellationToken.None);
        }

        ProviderBatch b = await azure.CreateBatchAsync(new BatchCreateRequest("azure-1", fileId, BatchEndpoints.ChatCompletions), CancellationToken.None);
        while (!b.IsTerminal)
        {
            await Task.Delay(25);
            b = await azure.GetBatchAsync(b.Id, CancellationToken.None);
        }

        Assert.Equal(("completed", 3), (b.Status, b.Completed));
        Assert.Equal("/v1/chat/completions", b.Endpoint);
        Assert.Throws<ArgumentException>(() => new OpenAIBatchProvider(new OpenAIProviderOptions { Profile = "azure", ApiKey = "k" }));
    }
}

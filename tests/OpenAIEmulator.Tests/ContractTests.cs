using System.Text;
using System.Text.Json;
using BatchEmbed.Connectors.Batches;
using BatchEmbed.Domain.Planning;

namespace BatchEmbed.OpenAIEmulator.Tests;

/// <summary>The emulator's responses validate against the OpenAPI subset's schemas.</summary>
public sealed class ContractTests
{
    private static readonly OpenApiSchema s_schema = OpenApiSchema.Load();

    [Fact(Timeout = 60_000)]
    public async Task File_batch_list_delete_embedding_and_chat_responses_match_the_contract()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        await Expect(emu.Http.GetAsync("batches"), "ListBatchesResponse"); // empty
        string fileId = await emu.UploadAsync(LifecycleTests.Lines(10));
        await Expect(emu.Http.GetAsync($"files/{fileId}"), "OpenAIFile");
        await Expect(emu.Http.GetAsync("files"), "ListFilesResponse");

        ProviderBatch created = await emu.Provider.CreateBatchAsync(new BatchCreateRequest("contract", fileId, BatchEndpoints.Embeddings, new Dictionary<string, string> { ["emulator_expire_after_lines"] = "6" }), CancellationToken.None);
        await Expect(emu.Http.GetAsync($"batches/{created.Id}"), "Batch");
        await emu.WaitTerminalAsync(created.Id);
        JsonElement done = await Expect(emu.Http.GetAsync($"batches/{created.Id}"), "Batch");
        Assert.Equal("expired", done.GetProperty("status").GetString());
        await Expect(emu.Http.GetAsync("batches?limit=5"), "ListBatchesResponse");

        string badFile = await emu.UploadAsync("{not json\n");
        ProviderBatch bad = await emu.WaitTerminalAsync((await emu.Provider.CreateBatchAsync(new BatchCreateRequest("contract-bad", badFile, BatchEndpoints.Embeddings), CancellationToken.None)).Id);
        JsonElement failed = await Expect(emu.Http.GetAsync($"batches/{bad.Id}"), "Batch");
        Assert.Equal(1, failed.GetProperty("errors").GetProperty("data")[0].GetProperty("line").GetInt32());

        await Expect(emu.Http.PostAsync("embeddings", Json("""{"model":"text-embedding-3-large","input":["a","b"],"dimensions":32}""")), "CreateEmbeddingResponse");
        await Expect(emu.Http.PostAsync("chat/completions", Json("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""")), "CreateChatCompletionResponse");
        await Expect(emu.Http.DeleteAsync($"files/{fileId}"), "DeleteFileResponse");
    }

    [Fact(Timeout = 60_000)]
    public async Task Result_lines_carry_bodies_that_match_the_endpoint_schemas()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        string fileId = await emu.UploadAsync(LifecycleTests.Lines(5));
        ProviderBatch b = await emu.WaitTerminalAsync((await emu.Provider.CreateBatchAsync(new BatchCreateRequest("contract-lines", fileId, BatchEndpoints.Embeddings), CancellationToken.None)).Id);
        await using Stream s = await emu.Provider.OpenFileAsync(b.OutputFileId!, CancellationToken.None);
        using var reader = new StreamReader(s);
        int n = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            JsonElement response = doc.RootElement.GetProperty("response");
            Assert.Equal(200, response.GetProperty("status_code").GetInt32());
            Assert.Empty(s_schema.Validate("CreateEmbeddingResponse", response.GetProperty("body")));
            Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("error").ValueKind);
            n++;
        }

        Assert.Equal(5, n);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> Expect(Task<HttpResponseMessage> call, string schema)
    {
        HttpResponseMessage r = await call;
        string body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, body);
        JsonElement json = JsonDocument.Parse(body).RootElement.Clone();
        List<string> errors = s_schema.Validate(schema, json);
        Assert.True(errors.Count == 0, $"{schema}: {string.Join("; ", errors)}");
        return json;
    }
}

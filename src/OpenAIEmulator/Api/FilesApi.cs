using System.Text.Json.Nodes;
using BatchEmbed.OpenAIEmulator.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BatchEmbed.OpenAIEmulator.Api;

/// <summary><c>/files</c>: upload (multipart, purpose=batch, .jsonl only, size limit), list, get, content (streamed), delete.</summary>
internal static class FilesApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/files", UploadAsync).DisableAntiforgery();
        api.MapGet("/files", (EmulatorStore store, int? limit, string? after) =>
        {
            List<EmulatedFile> files = store.Files();
            if (after is not null)
            {
                files = [.. files.SkipWhile(f => f.Id != after).Skip(1)];
            }

            int take = Math.Clamp(limit ?? 10_000, 1, 10_000);
            var page = files.Take(take).ToList();
            return Results.Json(new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray([.. page.Select(f => (JsonNode)Payloads.File(f))]),
                ["first_id"] = page.FirstOrDefault()?.Id,
                ["last_id"] = page.LastOrDefault()?.Id,
                ["has_more"] = files.Count > take,
            });
        });
        api.MapGet("/files/{fileId}", (string fileId, EmulatorStore store) =>
            store.GetFile(fileId) is { } f ? Results.Json(Payloads.File(f)) : OpenAIErrors.NotFound("file", fileId));
        api.MapGet("/files/{fileId}/content", DownloadAsync);
        api.MapDelete("/files/{fileId}", (string fileId, EmulatorStore store) =>
            store.DeleteFile(fileId) ? Results.Json(new JsonObject { ["id"] = fileId, ["object"] = "file", ["deleted"] = true }) : OpenAIErrors.NotFound("file", fileId));
    }

    private static async Task<IResult> UploadAsync(HttpRequest request, EmulatorStore store, EmulatorOptions options)
    {
        if (!request.HasFormContentType)
        {
            return OpenAIErrors.Error(400, "Upload a file as multipart/form-data with fields 'file' and 'purpose'.");
        }

        IFormCollection form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        string? purpose = form["purpose"].FirstOrDefault();
        IFormFile? file = form.Files.GetFile("file");
        if (file is null)
        {
            return OpenAIErrors.Error(400, "The 'file' field is required.", param: "file");
        }

        if (purpose != "batch")
        {
            return OpenAIErrors.Error(400, $"The purpose '{purpose}' is not supported by the emulator; use 'batch'.", param: "purpose");
        }

        if (!file.FileName.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            return OpenAIErrors.Error(400, $"Invalid file format for Batch API: '{file.FileName}'. Must be .jsonl.", param: "file");
        }

        if (file.Length > options.MaxFileBytes)
        {
            return OpenAIErrors.Error(400, $"The file is {file.Length} bytes; the maximum is {options.MaxFileBytes}.", param: "file");
        }

        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        long? expiresAt = long.TryParse(form["expires_after[seconds]"].FirstOrDefault() ?? form["expires_after.seconds"].FirstOrDefault(), out long seconds) ? now + seconds : null;
        string temp = store.NewTempPath();
        await using (FileStream fs = File.Create(temp))
        {
            await file.CopyToAsync(fs, request.HttpContext.RequestAborted);
        }

        return Results.Json(Payloads.File(store.AddFile(temp, file.FileName, purpose, now, expiresAt)));
    }

    private static async Task DownloadAsync(HttpContext http, string fileId, EmulatorStore store, EmulatorOptions options)
    {
        if (store.GetFile(fileId) is not { } file)
        {
            await OpenAIErrors.NotFound("file", fileId).ExecuteAsync(http);
            return;
        }

        EmulatorFaults faults = options.Faults;
        http.Response.ContentType = "application/octet-stream";
        http.Response.ContentLength = file.Bytes;
        await using FileStream fs = File.OpenRead(store.ContentPath(fileId));
        byte[] buffer = new byte[64 * 1024];
        long sent = 0;
        int read;
        while ((read = await fs.ReadAsync(buffer, http.RequestAborted)) > 0)
        {
            if (faults.InterruptDownloadAfterBytes > 0 && sent + read > faults.InterruptDownloadAfterBytes)
            {
                int part = (int)(faults.InterruptDownloadAfterBytes - sent);
                await http.Response.Body.WriteAsync(buffer.AsMemory(0, part), http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
                http.Abort(); // the connection drops mid-download
                return;
            }

            await http.Response.Body.WriteAsync(buffer.AsMemory(0, read), http.RequestAborted);
            sent += read;
            if (faults.DownloadBytesPerSecond > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)read / faults.DownloadBytesPerSecond), http.RequestAborted);
            }
        }
    }
}

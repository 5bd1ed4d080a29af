using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using App.Tests.Support;
using Dapper;

namespace App.Tests.Features.Files;

/// <summary>Arrange/assert helpers for the audio library tests: real multipart requests and the stored row.</summary>
public static class FileUploads
{
    public static Task<HttpResponseMessage> UploadAsync(this HttpClient client, byte[] bytes, string fileName,
        string? description = null, string? tagList = null, string? callerNumber = null, string contentType = "audio/mpeg")
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        if (description is not null) form.Add(new StringContent(description), "description");
        if (tagList is not null) form.Add(new StringContent(tagList), "tag_list");
        if (callerNumber is not null) form.Add(new StringContent(callerNumber), "caller_number");
        return client.PostAsync("/api/files/upload", form);
    }

    /// <summary>Uploads and returns the created item (asserting 201).</summary>
    public static async Task<JsonElement> UploadOkAsync(this HttpClient client, byte[] bytes, string fileName,
        string? description = null, string? tagList = null, string? callerNumber = null) =>
        await (await client.UploadAsync(bytes, fileName, description, tagList, callerNumber)).ShouldBeSuccessAsync(201);

    /// <summary>
    /// A multipart body written byte for byte, for file names HttpClient would encode or refuse
    /// (NUL, path separators): the Content-Disposition header carries <paramref name="rawDisposition"/> as is.
    /// </summary>
    public static Task<HttpResponseMessage> UploadRawAsync(this HttpClient client, byte[] bytes, string rawDisposition)
    {
        const string boundary = "----switchboard-test-boundary";
        var body = new MemoryStream();
        body.Write(Encoding.UTF8.GetBytes($"--{boundary}\r\nContent-Disposition: {rawDisposition}\r\nContent-Type: audio/mpeg\r\n\r\n"));
        body.Write(bytes);
        body.Write(Encoding.UTF8.GetBytes($"\r\n--{boundary}--\r\n"));
        var content = new ByteArrayContent(body.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={boundary}");
        return client.PostAsync("/api/files/upload", content);
    }

    public sealed class StoredFile
    {
        public long Id { get; init; }
        public string TenantId { get; init; } = "";
        public string Filename { get; init; } = "";
        public string FileType { get; init; } = "";
        public string ContentType { get; init; } = "";
        public string FilePath { get; init; } = "";
        public long FileSize { get; init; }
        public double? DurationSeconds { get; init; }
        public string? Sha256 { get; init; }
        public string? Description { get; init; }
        public string? TagList { get; init; }
        public string? CallerNumber { get; init; }
        public bool IsActive { get; init; }
    }

    public static async Task<StoredFile?> StoredAsync(this AppFactory factory, long id)
    {
        await using var connection = await factory.Db.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<StoredFile>(
            "SELECT id, tenant_id, filename, file_type, content_type, file_path, file_size, duration_seconds, sha256, description, tag_list, caller_number, is_active FROM voice_files WHERE id = @id",
            new { id });
    }

    public static string FullPath(this AppFactory factory, StoredFile stored) => Path.GetFullPath(Path.Combine(factory.DataDirectory, stored.FilePath));

    public static string TenantFolder(this AppFactory factory, string tenantId) => Path.Combine(factory.DataDirectory, "files", tenantId);

    public static string IncomingFolder(this AppFactory factory, string tenantId) => Path.Combine(factory.TenantFolder(tenantId), ".incoming");

    public static async Task SetDefaultRegionAsync(this AppFactory factory, string tenantId, string region)
    {
        await using var connection = await factory.Db.OpenAsync();
        await connection.ExecuteAsync("UPDATE tenants SET settings = json_set(settings, '$.default_region', @region) WHERE id = @tenantId",
            new { tenantId, region });
    }

    public static long Id(this JsonElement item) => item.GetProperty("id").GetInt64();

    public static void ShouldBeStatus(this HttpResponseMessage response, HttpStatusCode status) => response.StatusCode.ShouldBe(status);
}

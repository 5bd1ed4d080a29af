using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using App.Features.Files.Audio;
using App.Infrastructure.Phone;
using App.Infrastructure.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace App.Features.Files;

/// <summary>
/// POST /api/files/upload (multipart/form-data: <c>file</c>, optional <c>description</c>, <c>tag_list</c> comma-separated,
/// repeated or as a JSON array, <c>caller_number</c>). The body is streamed part by part (no form buffering) into a temporary file under the tenant's
/// <c>.incoming</c> folder, counting bytes and stopping at the size limit. The real format comes from the content.
/// Crash safety: the temporary file is flushed to disk, the row is inserted in a write transaction (which also holds the
/// quota check), the file is renamed into place, then the transaction commits. A crash before the commit leaves at most
/// a file no row points at — never counted (the quota is the sum of rows) and removed by <see cref="FilesJanitor"/>.
/// </summary>
public static class UploadFile
{
    public const int MaxDescriptionLength = 1000;
    public const string QuotaExceeded = "QUOTA_EXCEEDED";
    private const int MaxFieldLength = 16 * 1024;
    // Room for boundaries, part headers and the text fields around the file itself.
    private const long MultipartAllowance = 256 * 1024;

    private sealed class Upload
    {
        public string? ClientName { get; set; }
        public long Size { get; set; }
        public string Sha256 { get; set; } = "";
        public bool HasFile { get; set; }
        public string? Description { get; set; }
        public List<string> TagParts { get; } = [];
        public string? CallerNumber { get; set; }
    }

    private const string QuotaSql = "SELECT COALESCE(SUM(file_size), 0) FROM voice_files WHERE tenant_id = @tenantId";

    private const string InsertSql = $"""
        INSERT INTO voice_files (tenant_id, filename, file_type, content_type, file_path, file_size, duration_seconds, sha256,
                                 description, tag_list, caller_number)
        VALUES (@TenantId, @Filename, @FileType, @ContentType, @FilePath, @FileSize, @DurationSeconds, @Sha256,
                @Description, @TagList, @CallerNumber)
        RETURNING {FileRow.Columns}
        """;

    public static async Task<IResult> Handle(HttpContext http, CurrentTenant tenant, Db db, [FromServices] FileStorage storage,
        TenantDirectory directory, IOptions<FilesOptions> options, CancellationToken ct)
    {
        var maxBytes = options.Value.MaxUploadBytes;
        var boundary = Boundary(http.Request.ContentType);
        if (boundary is null)
            return Api.Error(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType,
                "Send the upload as multipart/form-data with the audio in a part named 'file'.");
        if (http.Request.ContentLength > maxBytes + MultipartAllowance) return TooLarge(http, maxBytes);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
            bodyLimit.MaxRequestBodySize = maxBytes + MultipartAllowance;

        var incoming = storage.IncomingDirectory(tenant.Id);
        Directory.CreateDirectory(incoming);
        var tempPath = Path.Combine(incoming, Guid.NewGuid().ToString("N") + ".part");
        try
        {
            var upload = new Upload();
            try
            {
                if (await ReadAsync(http, boundary, tempPath, maxBytes, upload, ct) is { } refused) return refused;
            }
            catch (InvalidDataException malformed)
            {
                return Api.Error(StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, "The multipart body is malformed: " + malformed.Message);
            }
            catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return TooLarge(http, maxBytes);
            }
            catch (IOException) when (!http.RequestAborted.IsCancellationRequested)
            {
                // The body ended before the closing boundary (a client that gave up mid-upload lands here too).
                return Api.Error(StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, "The upload ended before the multipart body was complete.");
            }

            if (!upload.HasFile) return Validation.Problem("file", "Attach the audio file in a multipart part named 'file'.");

            await using var connection = await db.OpenAsync(ct);
            var fields = await ReadFieldsAsync(upload, tenant, directory, ct);
            if (fields.Problem is { } problem) return problem;

            var probe = AudioProbe.ProbeFile(tempPath);
            if (!probe.IsAudio)
                return Api.Error(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType,
                    probe.Reason!, new Dictionary<string, string?> { ["reason"] = probe.Reason, ["filename"] = FileNames.ForDisplay(upload.ClientName, "") });

            var format = probe.Format!;
            var storedName = FileStorage.NewStoredName(format);
            var finalPath = Path.Combine(storage.TenantDirectory(tenant.Id), storedName);
            var quota = options.Value.TenantQuotaBytes;

            using var transaction = connection.BeginTransaction(deferred: false);
            var used = await connection.ExecuteScalarAsync<long>(QuotaSql, new { tenantId = tenant.Id }, transaction);
            if (used + upload.Size > quota)
            {
                var remaining = Math.Max(0, quota - used);
                return Api.Error(StatusCodes.Status409Conflict, QuotaExceeded,
                    $"The file ({upload.Size} bytes) does not fit: {remaining} of the tenant's {quota} bytes remain.",
                    new Dictionary<string, long> { ["remaining_bytes"] = remaining, ["quota_bytes"] = quota, ["used_bytes"] = used, ["file_size"] = upload.Size });
            }

            var displayName = FileNames.ForDisplay(upload.ClientName, format);
            var row = await connection.QuerySingleAsync<FileRow>(InsertSql, new
            {
                TenantId = tenant.Id,
                Filename = displayName,
                FileType = format,
                probe.ContentType,
                FilePath = FileStorage.RelativePath(tenant.Id, storedName),
                FileSize = upload.Size,
                probe.DurationSeconds,
                upload.Sha256,
                fields.Description,
                TagList = Tags.Store(fields.Tags),
                fields.CallerNumber,
            }, transaction);

            File.Move(tempPath, finalPath);
            try
            {
                transaction.Commit();
            }
            catch
            {
                File.Delete(finalPath);
                throw;
            }

            return Api.Created($"/api/files/{row.Id}", FileItem.From(row), MessageFor(displayName, format));
        }
        finally
        {
            if (File.Exists(tempPath)) File.Delete(tempPath);
        }
    }

    private static string? Boundary(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return null;
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        return string.IsNullOrWhiteSpace(boundary) || boundary.Length > 200 ? null : boundary;
    }

    /// <summary>Reads every part, the file into <paramref name="tempPath"/>; answers the refusal when a part is refused.</summary>
    private static async Task<IResult?> ReadAsync(HttpContext http, string boundary, string tempPath, long maxBytes, Upload upload, CancellationToken ct)
    {
        var reader = new MultipartReader(boundary, http.Request.Body, bufferSize: 64 * 1024) { HeadersLengthLimit = 16 * 1024, HeadersCountLimit = 16 };
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                continue;
            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
            switch (name)
            {
                case "file":
                    if (upload.HasFile) return Validation.Problem("file", "Send one file per upload.");
                    upload.HasFile = true;
                    upload.ClientName = disposition.FileNameStar.HasValue
                        ? disposition.FileNameStar.Value
                        : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                    if (!await CopyAsync(section.Body, tempPath, maxBytes, upload, ct)) return TooLarge(http, maxBytes);
                    break;
                case "description":
                    upload.Description = await ReadFieldAsync(section.Body, ct);
                    if (upload.Description is null) return Validation.Problem("description", "The description is too long.");
                    break;
                case "tag_list" or "tag_list[]":
                    var tags = await ReadFieldAsync(section.Body, ct);
                    if (tags is null || upload.TagParts.Sum(p => p.Length) + tags.Length > MaxFieldLength)
                        return Validation.Problem("tag_list", "The tag list is too long.");
                    upload.TagParts.Add(tags);
                    break;
                case "caller_number":
                    upload.CallerNumber = await ReadFieldAsync(section.Body, ct);
                    if (upload.CallerNumber is null) return Validation.Problem("caller_number", "The caller number is too long.");
                    break;
            }
        }

        return null;
    }

    private static async Task<bool> CopyAsync(Stream source, string tempPath, long maxBytes, Upload upload, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using var output = new FileStream(tempPath, PrivateFiles.CreateNew(FileOptions.Asynchronous));
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
                if (total > maxBytes) return false;
                hash.AppendData(buffer, 0, read);
                await output.WriteAsync(buffer.AsMemory(0, read), ct);
            }

            output.Flush(flushToDisk: true);
            upload.Size = total;
            upload.Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A text field, or null when it is longer than the field limit.</summary>
    private static async Task<string?> ReadFieldAsync(Stream source, CancellationToken ct)
    {
        using var reader = new StreamReader(source, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true);
        var buffer = new char[MaxFieldLength + 1];
        var length = await reader.ReadBlockAsync(buffer.AsMemory(), ct);
        return length > MaxFieldLength ? null : new string(buffer, 0, length);
    }

    private sealed record Fields(string? Description, IReadOnlyList<string> Tags, string? CallerNumber, IResult? Problem);

    private static async Task<Fields> ReadFieldsAsync(Upload upload, CurrentTenant tenant, TenantDirectory directory, CancellationToken ct)
    {
        var description = string.IsNullOrWhiteSpace(upload.Description) ? null : upload.Description.Trim();
        if (description?.Length > MaxDescriptionLength)
            return new(null, [], null, Validation.Problem("description", $"The description can be at most {MaxDescriptionLength} characters."));

        var tags = Tags.Tidy(upload.TagParts.SelectMany(Tags.FromFormField));
        if (Tags.Problem(tags) is { } tagProblem) return new(null, [], null, Validation.Problem("tag_list", tagProblem));

        string? callerNumber = null;
        if (!string.IsNullOrWhiteSpace(upload.CallerNumber))
        {
            var settings = await directory.SettingsAsync(tenant.Id, ct) ?? new TenantSettings();
            var normalized = E164.Normalize(upload.CallerNumber, settings.DefaultRegion);
            if (!normalized.IsValid) return new(null, [], null, Validation.Problem("caller_number", normalized.Error!));
            callerNumber = normalized.E164;
        }

        return new(description, tags, callerNumber, null);
    }

    private static IResult TooLarge(HttpContext http, long maxBytes)
    {
        // The rest of the body is never read: ask the client to close rather than have the server drain it.
        http.Response.Headers.Connection = "close";
        return Api.Error(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge,
            $"The file is larger than the {maxBytes} bytes allowed.", new Dictionary<string, long> { ["max_bytes"] = maxBytes });
    }

    private static string MessageFor(string displayName, string format)
    {
        var named = FileNames.ForDownload(displayName, format);
        return named == displayName
            ? "File uploaded."
            : $"File uploaded. Its content is {format.ToUpperInvariant()} audio, whatever its name says; it is stored as {format.ToUpperInvariant()}.";
    }
}

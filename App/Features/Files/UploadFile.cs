using App.Features.Files.Audio;
using App.Infrastructure.Phone;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace App.Features.Files;

/// <summary>
/// POST /api/files/upload (multipart/form-data: <c>file</c>, optional <c>description</c>, <c>tag_list</c> comma-separated,
/// repeated or as a JSON array, <c>caller_number</c>). The body is streamed part by part (no form buffering) into a temporary file under the tenant's
/// <c>.incoming</c> folder, counting bytes and stopping at the size limit. The real format comes from the content.
/// Crash safety: the temporary file is flushed to disk and renamed into place, then the row is inserted (with the quota
/// check) by the <see cref="WriteBatcher"/>, beside the sends. A refusal or a failed insert removes the file again; a
/// crash before the commit leaves at most a file no row points at — never counted (the quota is the sum of rows) and
/// removed by <see cref="FilesJanitor"/>.
/// </summary>
public static class UploadFile
{
    public const int MaxDescriptionLength = 1000;

    private const string QuotaSql = "SELECT COALESCE(SUM(file_size), 0) FROM voice_files WHERE tenant_id = @tenantId";

    private const string InsertSql = $"""
        INSERT INTO voice_files (tenant_id, filename, file_type, content_type, file_path, file_size, duration_seconds, sha256,
                                 description, tag_list, caller_number)
        VALUES (@TenantId, @Filename, @FileType, @ContentType, @FilePath, @FileSize, @DurationSeconds, @Sha256,
                @Description, @TagList, @CallerNumber)
        RETURNING {FileRow.Columns}
        """;

    private static MultipartForm.Rules FormRules(long maxBytes) => new(
        maxBytes,
        NotMultipart: "Send the upload as multipart/form-data with the audio in a part named 'file'.",
        TooLarge: $"The file is larger than the {maxBytes} bytes allowed.",
        OneFileOnly: "Send one file per upload.",
        FieldOf: name => name switch
        {
            "description" or "tag_list" or "caller_number" => name,
            "tag_list[]" => "tag_list",
            _ => null,
        },
        TooLong: field => field switch
        {
            "description" => "The description is too long.",
            "tag_list" => "The tag list is too long.",
            _ => "The caller number is too long.",
        });

    public static async Task<IResult> Handle(HttpContext http, CurrentTenant tenant, WriteBatcher writer, [FromServices] FileStorage storage,
        TenantDirectory directory, IOptions<FilesOptions> options, CancellationToken ct)
    {
        var tempPath = Path.Combine(storage.IncomingDirectory(tenant.Id), Guid.NewGuid().ToString("N") + ".part");
        try
        {
            var upload = await MultipartForm.ReadAsync(http, FormRules(options.Value.MaxUploadBytes), tempPath, ct);
            if (upload.Refusal is { } refused) return refused;
            if (!upload.HasFile) return Validation.Problem("file", "Attach the audio file in a multipart part named 'file'.");

            var fields = await ReadFieldsAsync(upload, tenant, directory, ct);
            if (fields.Problem is { } problem) return problem;

            var probe = AudioProbe.ProbeFile(tempPath);
            if (!probe.IsAudio)
                return Api.Error(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType,
                    probe.Reason!, new Dictionary<string, string?> { ["reason"] = probe.Reason, ["filename"] = FileNames.ForDisplay(upload.FileName, "") });

            var format = probe.Format!;
            var storedName = FileStorage.NewStoredName(format);
            var finalPath = Path.Combine(storage.TenantDirectory(tenant.Id), storedName);
            var quota = options.Value.TenantQuotaBytes;

            var displayName = FileNames.ForDisplay(upload.FileName, format);
            var file = new
            {
                TenantId = tenant.Id,
                Filename = displayName,
                FileType = format,
                probe.ContentType,
                FilePath = FileStorage.RelativePath(tenant.Id, storedName),
                FileSize = upload.FileSize,
                probe.DurationSeconds,
                Sha256 = upload.FileSha256,
                fields.Description,
                TagList = Tags.Store(fields.Tags),
                fields.CallerNumber,
            };
            File.Move(tempPath, finalPath);
            (FileRow? Row, long Used) stored;
            try
            {
                stored = await writer.WriteAsync<(FileRow?, long)>(async (connection, transaction) =>
                {
                    var used = await connection.ExecuteScalarAsync<long>(QuotaSql, new { tenantId = tenant.Id }, transaction);
                    if (used + upload.FileSize > quota) return (null, used);
                    return (await connection.QuerySingleAsync<FileRow>(InsertSql, file, transaction), used);
                });
            }
            catch
            {
                File.Delete(finalPath);
                throw;
            }

            if (stored.Row is not { } row)
            {
                File.Delete(finalPath);
                var remaining = Math.Max(0, quota - stored.Used);
                return Api.Error(StatusCodes.Status409Conflict, ErrorCodes.QuotaExceeded,
                    $"The file ({upload.FileSize} bytes) does not fit: {remaining} of the tenant's {quota} bytes remain.",
                    new Dictionary<string, long> { ["remaining_bytes"] = remaining, ["quota_bytes"] = quota, ["used_bytes"] = stored.Used, ["file_size"] = upload.FileSize });
            }

            return Api.Created($"/api/files/{row.Id}", FileItem.From(row), MessageFor(displayName, format));
        }
        finally
        {
            if (File.Exists(tempPath)) File.Delete(tempPath);
        }
    }

    private sealed record Fields(string? Description, IReadOnlyList<string> Tags, string? CallerNumber, IResult? Problem);

    private static async Task<Fields> ReadFieldsAsync(MultipartForm upload, CurrentTenant tenant, TenantDirectory directory, CancellationToken ct)
    {
        var description = upload.Field("description") is { } text && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;
        if (description?.Length > MaxDescriptionLength)
            return new(null, [], null, Validation.Problem("description", $"The description can be at most {MaxDescriptionLength} characters."));

        var tags = Tags.Tidy(upload.Values("tag_list").SelectMany(Tags.FromFormField));
        if (Tags.Problem(tags) is { } tagProblem) return new(null, [], null, Validation.Problem("tag_list", tagProblem));

        string? callerNumber = null;
        if (upload.Field("caller_number") is { } caller && !string.IsNullOrWhiteSpace(caller))
        {
            var settings = await directory.SettingsAsync(tenant.Id, ct) ?? new TenantSettings();
            var normalized = E164.Normalize(caller, settings.DefaultRegion);
            if (!normalized.IsValid) return new(null, [], null, Validation.Problem("caller_number", normalized.Error!));
            callerNumber = normalized.E164;
        }

        return new(description, tags, callerNumber, null);
    }

    private static string MessageFor(string displayName, string format)
    {
        var named = FileNames.ForDownload(displayName, format);
        return named == displayName
            ? "File uploaded."
            : $"File uploaded. Its content is {format.ToUpperInvariant()} audio, whatever its name says; it is stored as {format.ToUpperInvariant()}.";
    }
}

namespace App.Features.Files;

/// <summary>A library file as the API shows it (the stored path and hash stay inside).</summary>
public sealed record FileItem(
    long Id,
    string Filename,
    string FileType,
    string ContentType,
    long FileSize,
    double? DurationSeconds,
    string? Description,
    IReadOnlyList<string> TagList,
    string? CallerNumber,
    bool IsActive,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static FileItem From(FileRow row) => new(
        row.Id, row.Filename, row.FileType, row.ContentType, row.FileSize,
        row.DurationSeconds is { } seconds ? Math.Round(seconds, 3) : null,
        row.Description, Tags.Parse(row.TagList), row.CallerNumber, row.IsActive, row.CreatedAt, row.UpdatedAt);
}

/// <summary>A <c>voice_files</c> row.</summary>
public sealed class FileRow
{
    /// <summary>The columns every file query selects, in <see cref="FileRow"/>'s shape.</summary>
    public const string Columns =
        "id, tenant_id, filename, file_type, content_type, file_path, file_size, duration_seconds, sha256, " +
        "description, tag_list, caller_number, is_active, created_at, updated_at";

    /// <summary>One of the tenant's files by id (another tenant's file is simply not found).</summary>
    public const string FindSql = $"SELECT {Columns} FROM voice_files WHERE id = @id AND tenant_id = @tenantId";

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
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>A strong validator for caching and range requests: the content hash never changes for a stored file.</summary>
    public Microsoft.Net.Http.Headers.EntityTagHeaderValue? EntityTag =>
        string.IsNullOrEmpty(Sha256) ? null : new Microsoft.Net.Http.Headers.EntityTagHeaderValue("\"" + Sha256[..32] + "\"");
}

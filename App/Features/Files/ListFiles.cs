using App.Features.Files.Audio;
using Microsoft.AspNetCore.Mvc;

namespace App.Features.Files;

/// <summary>
/// GET /api/files?page=&amp;per_page=&amp;file_type=mp3|wav|aiff&amp;tag=&amp;search=&amp;is_active= — newest first.
/// <c>tag</c> matches one whole tag (case-insensitive); <c>search</c> looks in the file name and description.
/// </summary>
public static class ListFiles
{
    private static readonly string[] FileTypes = [AudioProbe.Mp3, AudioProbe.Wav, AudioProbe.Aiff];

    private const string Where = """
        WHERE tenant_id = @tenantId
          AND (@fileType IS NULL OR file_type = @fileType)
          AND (@tag IS NULL OR instr(',' || lower(COALESCE(tag_list, '')) || ',', ',' || lower(@tag) || ',') > 0)
          AND (@search IS NULL OR filename LIKE @search ESCAPE '\' OR description LIKE @search ESCAPE '\')
          AND (@isActive IS NULL OR is_active = @isActive)
        """;

    private const string PageSql = $"""
        SELECT {FileRow.Columns} FROM voice_files
        {Where}
        ORDER BY created_at DESC, id DESC
        LIMIT @limit OFFSET @offset
        """;

    private const string CountSql = $"SELECT COUNT(*) FROM voice_files {Where}";

    public static async Task<IResult> Handle(
        int? page,
        [FromQuery(Name = "per_page")] int? perPage,
        [FromQuery(Name = "file_type")] string? fileType,
        string? tag,
        string? search,
        [FromQuery(Name = "is_active")] string? isActive,
        CurrentTenant tenant, Db db, CancellationToken ct)
    {
        fileType = string.IsNullOrWhiteSpace(fileType) ? null : fileType.Trim().ToLowerInvariant();
        if (fileType is not null && !FileTypes.Contains(fileType))
            return Validation.Problem("file_type", $"The file type must be one of {string.Join(", ", FileTypes)}.");

        if (ListFilters.IsActive(isActive, out var active) is { } problem) return problem;

        var request = PageRequest.From(page, perPage);
        var parameters = new
        {
            tenantId = tenant.Id,
            fileType,
            tag = string.IsNullOrWhiteSpace(tag) ? null : tag.Trim(),
            search = string.IsNullOrWhiteSpace(search) ? null : SqlLike.Containing(search.Trim()),
            isActive = active,
            limit = request.PerPage,
            offset = request.Offset,
        };

        await using var connection = await db.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(CountSql, parameters);
        var rows = await connection.QueryAsync<FileRow>(PageSql, parameters);
        return Api.Page(rows.Select(FileItem.From).ToList(), request, total);
    }
}

using Microsoft.AspNetCore.Mvc;

namespace App.Features.Files;

/// <summary>
/// GET /api/files/{id}/download — the bytes with their real content type, an attachment name that is safe in every
/// browser (and carries the extension of the real format), Range requests (206) so players can seek, and an ETag.
/// </summary>
public static class DownloadFile
{
    public static async Task<IResult> Handle(long id, HttpContext http, CurrentTenant tenant, Db db, [FromServices] FileStorage storage,
        ILogger<FileStorage> logger, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<FileRow>(FileRow.FindSql, new { id, tenantId = tenant.Id });
        if (row is null) return Api.NotFound("file");

        var path = storage.FullPath(row.FilePath);
        if (!File.Exists(path))
        {
            logger.LogError("File {FileId} of tenant {TenantId} has a row but no bytes at {FilePath}", row.Id, tenant.Id, row.FilePath);
            return Api.NotFound("file");
        }

        var headers = http.Response.Headers;
        headers.ContentDisposition = FileNames.ContentDisposition(FileNames.ForDownload(row.Filename, row.FileType));
        headers.CacheControl = "private, no-cache";
        headers.XContentTypeOptions = "nosniff";
        return Results.File(path, row.ContentType, fileDownloadName: null, lastModified: row.CreatedAt,
            entityTag: row.EntityTag, enableRangeProcessing: true);
    }
}

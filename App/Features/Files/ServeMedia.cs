using System.Globalization;
using Microsoft.AspNetCore.Mvc;

namespace App.Features.Files;

/// <summary>
/// GET|HEAD /media/{fileId}?exp=&amp;sig= — anonymous (Twilio, the admin UI's audio player), outside /api so no envelope:
/// a bad or expired signature answers 403, a file that is gone or switched off 404 (plain text). Serves the bytes with
/// the real audio content type, Range support, an ETag and caching for as long as the URL stays valid (at most a day).
/// </summary>
public static class ServeMedia
{
    private const int MaxCacheSeconds = 86_400;

    private const string Sql = $"""
        SELECT {FileRow.Columns} FROM voice_files
        WHERE id = @id AND (is_active = 1 OR @preview)
          AND tenant_id IN (SELECT id FROM tenants WHERE is_active = 1)
        """;

    public static async Task<IResult> Handle(long fileId, string? exp, string? sig, string? use, HttpContext http,
        [FromServices] MediaUrls media, Db db, [FromServices] FileStorage storage, CancellationToken ct)
    {
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        var purpose = use == "preview" ? MediaUrls.Use.Preview : MediaUrls.Use.Call;
        switch (media.Verify(fileId, exp, sig, purpose, out var expiresAt))
        {
            case MediaUrls.Check.Invalid:
                return Refuse(http, StatusCodes.Status403Forbidden, "This media link is not valid.");
            case MediaUrls.Check.Expired:
                return Refuse(http, StatusCodes.Status403Forbidden, "This media link has expired.");
        }

        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<FileRow>(Sql, new { id = fileId, preview = purpose == MediaUrls.Use.Preview });
        var path = row is null ? null : storage.FullPath(row.FilePath);
        if (row is null || !File.Exists(path)) return Refuse(http, StatusCodes.Status404NotFound, "This media file is not available.");

        var seconds = (long)Math.Clamp((expiresAt - DateTimeOffset.UtcNow).TotalSeconds, 0, MaxCacheSeconds);
        headers.CacheControl = (purpose == MediaUrls.Use.Preview ? "private" : "public") + ", max-age=" + seconds.ToString(CultureInfo.InvariantCulture);
        return Results.File(path!, row.ContentType, fileDownloadName: null, lastModified: row.CreatedAt,
            entityTag: row.EntityTag, enableRangeProcessing: true);
    }

    private static IResult Refuse(HttpContext http, int status, string message)
    {
        http.Response.Headers.CacheControl = "no-store";
        return Results.Text(message, "text/plain; charset=utf-8", statusCode: status);
    }
}

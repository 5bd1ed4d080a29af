using System.Text;
using App.Features.Files;
using Microsoft.AspNetCore.Mvc;

namespace App.Features.Legacy;

/// <summary>
/// GET|HEAD /files/mp3/&lt;name&gt; on the legacy host name, and /legacy/{tenant_id}/files/mp3/&lt;name&gt; anywhere: the
/// migrated audio file that the legacy folder held under that name (any letter case, as IIS served it). Like the
/// legacy folder these are public, but only files brought over by the import are reachable this way, and only while
/// they are active in the library.
/// </summary>
public static class ServeLegacyAudio
{
    private const string Sql = $"""
        SELECT {FileRow.Columns} FROM voice_files
        WHERE tenant_id = @tenantId AND legacy_name IS NOT NULL AND lower(legacy_name) = lower(@name) AND is_active = 1
        ORDER BY legacy_name = @name DESC, id LIMIT 1
        """;

    public static async Task<IResult> ByHostName(string name, HttpContext context, Db db, [FromServices] FileStorage storage) =>
        await LegacySites.FindByHostAsync(db, context) is { } site ? await ServeAsync(site.TenantId, name, context, db, storage) : NotFound(context);

    public static async Task<IResult> ByTenantId(string tenantId, string name, HttpContext context, Db db, [FromServices] FileStorage storage) =>
        await LegacySites.IsActiveTenantAsync(db, tenantId, context.RequestAborted) ? await ServeAsync(tenantId, name, context, db, storage) : NotFound(context);

    private static async Task<IResult> ServeAsync(string tenantId, string name, HttpContext context, Db db, FileStorage storage)
    {
        await using var connection = await db.OpenAsync(context.RequestAborted);
        var row = await connection.QuerySingleOrDefaultAsync<FileRow>(Sql, new { tenantId, name = name.Normalize(NormalizationForm.FormC) });
        var path = row is null ? null : storage.FullPath(row.FilePath);
        if (row is null || !File.Exists(path)) return NotFound(context);

        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.CacheControl = "public, max-age=3600";
        return Results.File(path, row.ContentType, fileDownloadName: null, lastModified: row.CreatedAt, entityTag: row.EntityTag, enableRangeProcessing: true);
    }

    private static IResult NotFound(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        return Results.Text("This audio file is not available.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
    }
}

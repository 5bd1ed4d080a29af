namespace App.Features.Files;

/// <summary>GET /api/files/{id} — one file's metadata.</summary>
public static class GetFile
{
    public static async Task<IResult> Handle(long id, CurrentTenant tenant, Db db, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return Api.OkOrNotFound(await connection.QuerySingleOrDefaultAsync<FileRow>(FileRow.FindSql, new { id, tenantId = tenant.Id }), FileItem.From, "file");
    }
}

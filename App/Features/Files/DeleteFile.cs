using App.Features.VoiceMessages;
using Microsoft.AspNetCore.Mvc;

namespace App.Features.Files;

/// <summary>
/// DELETE /api/files/{id} — removes the row, then the bytes. In that order a crash can only leave an unreferenced
/// file (swept by <see cref="FilesJanitor"/>), never a row whose file is gone. Voice messages that played the file
/// lose the reference (voice_file_id ON DELETE SET NULL), so their cached list answers are dropped too.
/// </summary>
public static class DeleteFile
{
    public sealed record Deleted(long Id);

    private const string Sql = "DELETE FROM voice_files WHERE id = @id AND tenant_id = @tenantId RETURNING file_path";

    public static async Task<IResult> Handle(long id, CurrentTenant tenant, Db db, [FromServices] FileStorage storage,
        VoiceMessageListCache voiceMessageLists, ILogger<FileStorage> logger, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var path = await connection.QuerySingleOrDefaultAsync<string?>(Sql, new { id, tenantId = tenant.Id });
        if (path is null) return Api.NotFound("file");
        voiceMessageLists.Invalidate(tenant.Id);

        try
        {
            storage.Delete(path);
        }
        catch (IOException exception)
        {
            logger.LogWarning(exception, "Deleted file {FileId} of tenant {TenantId}, but its bytes could not be removed yet; the janitor will retry", id, tenant.Id);
        }

        return Api.Ok(new Deleted(id), "File deleted.");
    }
}

using Microsoft.AspNetCore.Mvc;

namespace App.Features.Files;

/// <summary>
/// POST /api/files/{id}/play-url — a short-lived signed media URL for the admin UI's &lt;audio&gt; element, which cannot
/// send the API key. Unlike the URLs put in TwiML, a preview URL also plays a file that is switched off.
/// </summary>
public static class CreatePlayUrl
{
    public sealed record PlayUrl(string Url, DateTimeOffset ExpiresAt);

    public static async Task<IResult> Handle(long id, CurrentTenant tenant, Db db, [FromServices] MediaUrls media, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var found = await connection.ExecuteScalarAsync<long?>(
            "SELECT id FROM voice_files WHERE id = @id AND tenant_id = @tenantId", new { id, tenantId = tenant.Id });
        if (found is null) return Api.NotFound("file");

        var signed = media.Sign(id, media.PreviewLifetime, MediaUrls.Use.Preview);
        return Api.Ok(new PlayUrl(signed.Url, signed.ExpiresAt));
    }
}

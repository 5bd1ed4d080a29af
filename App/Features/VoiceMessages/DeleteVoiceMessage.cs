namespace App.Features.VoiceMessages;

/// <summary>
/// DELETE /api/voice-messages/{id}. Call history keeps its rows (their voice_message_id simply no longer resolves) and
/// stored TwiML documents are detached (ON DELETE SET NULL).
/// </summary>
public static class DeleteVoiceMessage
{
    public sealed record Response(long Id, bool Deleted);

    private const string Sql = "DELETE FROM voice_messages WHERE id = @Id AND tenant_id = @TenantId";

    public static async Task<IResult> Handle(long id, CurrentTenant tenant, Db db, VoiceMessageListCache lists, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var deleted = await connection.ExecuteAsync(Sql, new { Id = id, TenantId = tenant.Id });
        if (deleted == 0) return Api.NotFound("voice message");
        lists.Invalidate(tenant.Id);
        return Api.Ok(new Response(id, Deleted: true), "Voice message deleted.");
    }
}

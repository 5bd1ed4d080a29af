using App.Features.Audit;
using Microsoft.Data.Sqlite;

namespace App.Features.VoiceMessages;

/// <summary>
/// PUT /api/voice-messages/{id}: replaces the template with the body (the create body, same validation); optional
/// fields left out take their defaults, as on create. Another tenant's id answers 404.
/// </summary>
public static class UpdateVoiceMessage
{
    private const string Sql = $"""
        UPDATE voice_messages SET
            name = @Name, voice_text = @VoiceText, voice = @Voice, language = @Language, voice_rate = @VoiceRate,
            voice_gender = @VoiceGender, voice_age = @VoiceAge, tropo_voice = @TropoVoice, voice_type = @VoiceType,
            voice_settings = @VoiceSettings, voice_file_id = @VoiceFileId, play_position = @PlayPosition, is_active = @IsActive,
            updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
        WHERE id = @Id AND tenant_id = @TenantId
        RETURNING {GetVoiceMessage.Columns}
        """;

    public static async Task<IResult> Handle(long id, CreateVoiceMessage.Request request, HttpContext http, CurrentTenant tenant, Db db, VoiceMessageListCache lists, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var before = await connection.QuerySingleOrDefaultAsync<GetVoiceMessage.Row>(GetVoiceMessage.Sql, new { Id = id, TenantId = tenant.Id });
        if (before is null) return Api.NotFound("voice message");

        var name = request.Name!.Trim();
        if (await VoiceMessageRules.NameTakenAsync(connection, tenant.Id, name, exceptId: id) is { } conflict) return conflict;
        if (await VoiceMessageRules.FileMissingAsync(connection, tenant.Id, request.VoiceFileId) is { } missing) return missing;

        try
        {
            var row = await connection.QuerySingleOrDefaultAsync<GetVoiceMessage.Row>(Sql, CreateVoiceMessage.Parameters(request, tenant.Id, id));
            if (row is null) return Api.NotFound("voice message");
            lists.Invalidate(tenant.Id);
            var updated = GetVoiceMessage.ToItem(row);
            AuditChanges.Record(http, GetVoiceMessage.ToItem(before), updated);
            return Api.Ok(updated, "Voice message updated.");
        }
        catch (SqliteException ex) when (VoiceMessageRules.IsUniqueViolation(ex))
        {
            return VoiceMessageRules.NameConflict(name);
        }
        catch (SqliteException ex) when (VoiceMessageRules.IsForeignKeyViolation(ex) && request.VoiceFileId is { } fileId)
        {
            return VoiceMessageRules.FileMissing(fileId);
        }
    }
}

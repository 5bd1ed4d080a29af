using System.Globalization;
using Microsoft.Data.Sqlite;

namespace App.Features.VoiceMessages;

/// <summary>
/// POST /api/voice-messages/{id}/duplicate: a copy named "name (copy)", or "name (copy 2)", "(copy 3)"... when taken.
/// The name is shortened to stay within 100 characters. Answers 201 with the copy.
/// </summary>
public static class DuplicateVoiceMessage
{
    private const string Sql = $"""
        INSERT INTO voice_messages (tenant_id, name, voice_text, voice, language, voice_rate, voice_gender, voice_age, tropo_voice,
                                    voice_type, voice_settings, voice_file_id, play_position, is_active)
        SELECT tenant_id, @Name, voice_text, voice, language, voice_rate, voice_gender, voice_age, tropo_voice,
               voice_type, voice_settings, voice_file_id, play_position, is_active
        FROM voice_messages WHERE id = @Id AND tenant_id = @TenantId
        RETURNING {GetVoiceMessage.Columns}
        """;

    private const string TakenSql = "SELECT COUNT(*) FROM voice_messages WHERE tenant_id = @TenantId AND name = @Name COLLATE NOCASE";

    public static async Task<IResult> Handle(long id, CurrentTenant tenant, Db db, VoiceMessageListCache lists, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var source = await connection.QuerySingleOrDefaultAsync<string>(
            "SELECT name FROM voice_messages WHERE id = @Id AND tenant_id = @TenantId", new { Id = id, TenantId = tenant.Id });
        if (source is null) return Api.NotFound("voice message");

        // Another request may take the chosen name between the check and the insert: then try the next number.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var name = await FreeNameAsync(connection, tenant.Id, source);
            try
            {
                var row = await connection.QuerySingleOrDefaultAsync<GetVoiceMessage.Row>(Sql, new { Id = id, TenantId = tenant.Id, Name = name });
                if (row is null) return Api.NotFound("voice message");
                lists.Invalidate(tenant.Id);
                return Api.Created($"/api/voice-messages/{row.Id}", GetVoiceMessage.ToItem(row), "Voice message duplicated.");
            }
            catch (SqliteException ex) when (VoiceMessageRules.IsUniqueViolation(ex))
            {
            }
        }

        return VoiceMessageRules.NameConflict(source + " (copy)");
    }

    private static async Task<string> FreeNameAsync(SqliteConnection connection, string tenantId, string source)
    {
        for (var number = 1; ; number++)
        {
            var candidate = CopyName(source, number);
            if (await connection.ExecuteScalarAsync<long>(TakenSql, new { TenantId = tenantId, Name = candidate }) == 0) return candidate;
        }
    }

    /// <summary>"Reminder" → "Reminder (copy)", then "Reminder (copy 2)"...; the original is cut to keep 100 characters.</summary>
    internal static string CopyName(string source, int number)
    {
        var suffix = number == 1 ? " (copy)" : string.Create(CultureInfo.InvariantCulture, $" (copy {number})");
        var room = VoiceMessageRules.MaxNameLength - suffix.Length;
        if (source.Length <= room) return source + suffix;
        var cut = char.IsHighSurrogate(source[room - 1]) ? room - 1 : room;
        return source[..cut].TrimEnd() + suffix;
    }
}

using System.Text.Json;
using App.Twilio;

namespace App.Features.VoiceMessages;

/// <summary>GET /api/voice-messages/{id}. Also home of the row, the item JSON and the column list the other use cases share.</summary>
public static class GetVoiceMessage
{
    public sealed record Item(
        long Id,
        string Name,
        string VoiceText,
        string Voice,
        string Language,
        string VoiceRate,
        string? VoiceGender,
        int? VoiceAge,
        string? TropoVoice,
        string VoiceType,
        JsonElement? VoiceSettings,
        long? VoiceFileId,
        string? PlayPosition,
        bool IsActive,
        IReadOnlyList<string> Variables,
        DateTimeOffset CreatedAt,
        DateTimeOffset UpdatedAt);

    internal sealed class Row
    {
        public long Id { get; init; }
        public string Name { get; init; } = "";
        public string VoiceText { get; init; } = "";
        public string Voice { get; init; } = "";
        public string Language { get; init; } = "";
        public string? VoiceRate { get; init; }
        public string? VoiceGender { get; init; }
        public int? VoiceAge { get; init; }
        public string? TropoVoice { get; init; }
        public string? VoiceType { get; init; }
        public string? VoiceSettings { get; init; }
        public long? VoiceFileId { get; init; }
        public string? PlayPosition { get; init; }
        public bool IsActive { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }

        public VoiceScript.Template ToTemplate() => new(VoiceText, Voice, Language, VoiceRate, VoiceFileId, PlayPosition);
    }

    internal const string Columns = """
        id, name, voice_text, voice, language, voice_rate, voice_gender, voice_age, tropo_voice, voice_type,
        voice_settings, voice_file_id, play_position, is_active, created_at, updated_at
        """;

    internal const string Sql = $"SELECT {Columns} FROM voice_messages WHERE id = @Id AND tenant_id = @TenantId";

    public static async Task<IResult> Handle(long id, CurrentTenant tenant, Db db, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return Api.OkOrNotFound(await connection.QuerySingleOrDefaultAsync<Row>(Sql, new { Id = id, TenantId = tenant.Id }), ToItem, "voice message");
    }

    internal static Item ToItem(Row row) => new(
        row.Id, row.Name, row.VoiceText, row.Voice, row.Language, row.VoiceRate ?? "medium",
        row.VoiceGender, row.VoiceAge, row.TropoVoice, row.VoiceType ?? "message",
        ParseSettings(row.VoiceSettings), row.VoiceFileId, row.PlayPosition, row.IsActive,
        TemplateVariables.ExtractNames(row.VoiceText), row.CreatedAt, row.UpdatedAt);

    // Legacy rows may hold text that is not JSON; it is dropped from the answer rather than failing the read.
    private static JsonElement? ParseSettings(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

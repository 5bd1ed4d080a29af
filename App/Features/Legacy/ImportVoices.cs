using System.Text.RegularExpressions;
using App.Features.VoiceMessages;

namespace App.Features.Legacy;

/// <summary>
/// Voice → voice messages: the text exactly (legacy placeholders become the product's variables), voices through the
/// legacy voice mapping, the language from the voice's TwiML; a name the tenant already uses is suffixed, not lost.
/// </summary>
internal static partial class ImportVoices
{
    private const string Table = LegacyTables.Voice;

    public static async Task PlanAsync(ImportRun run)
    {
        var (report, clock, tenantId) = (run.Report, run.Clock, run.TenantId);
        var counts = report.For(Table);
        var languages = SayLanguagesByVoice(run.Source);
        var existing = await run.MigratedAsync("SELECT id, legacy_id, legacy_fingerprint FROM voice_messages");
        foreach (var row in existing.Values) run.Plan.VoiceIds[row.LegacyId] = row.Id;
        var others = await run.Connection.QueryAsync<string>("SELECT name FROM voice_messages WHERE tenant_id = @tenantId AND legacy_id IS NULL", new { tenantId });
        var taken = new HashSet<string>(others.Select(ImportRun.NoCase), StringComparer.Ordinal);
        var validator = new CreateVoiceMessage.Validator();

        foreach (var row in run.Source.Rows(Table))
        {
            counts.Read++;
            if (row.Number("VoiceID") is not { } id)
            {
                run.Skip(Table, null, "no_id", "A Voice row has no VoiceID; it was skipped.");
                continue;
            }

            var name = (row.Text("Name")?.Trim() is { Length: > 0 } given ? given : $"Voice {id}");
            if (name.Length > VoiceMessageRules.MaxNameLength) name = name[..VoiceMessageRules.MaxNameLength].TrimEnd();
            if (!taken.Add(ImportRun.NoCase(name)))
            {
                var renamed = $"{name} (legacy {id})";
                report.Add(Table, id, "renamed", $"The name '{name}' is already taken in the tenant; imported as '{renamed}'.");
                name = renamed;
                taken.Add(ImportRun.NoCase(name));
            }

            var text = ProductVariables(row.Text("VoiceText") ?? "");
            var active = row.Bool("IsActive", true);
            if (text.Length == 0)
            {
                report.Add(Table, id, "empty_text", "The voice has no text: imported as inactive.");
                active = false;
            }

            var voiceType = row.Text("VoiceType")?.Trim().ToLowerInvariant();
            if (voiceType is not null && !VoiceMessageRules.Types.Contains(voiceType))
            {
                report.Add(Table, id, "unknown_voice_type", $"VoiceType '{voiceType}' is not one of {string.Join(", ", VoiceMessageRules.Types)}; imported as 'message'.");
                voiceType = null;
            }

            // The legacy form saved an empty age as 0; only 1–120 means an age.
            var age = row.Number("VoiceAge") is { } years and >= 1 and <= 120 ? (int)years : (int?)null;
            var request = new CreateVoiceMessage.Request(name, text, Language: languages.GetValueOrDefault(id), VoiceRate: row.Text("VoiceRate"),
                VoiceGender: row.Text("VoiceGender"), VoiceAge: age, TropoVoice: row.Text("TropoVoice"), VoiceType: voiceType, IsActive: active);
            request = WithoutRefusedSettings(request, id, report);
            foreach (var failure in validator.Validate(request).Errors)
                report.Add(Table, id, "voice_text_problem", failure.ErrorMessage);

            // Planned (and fingerprinted) under CreateVoiceMessage's parameter names; the writer maps them to columns.
            var created = clock.Utc(row, "Created", id);
            var parameters = CreateVoiceMessage.Parameters(request, tenantId);
            var values = parameters.GetType().GetProperties().ToDictionary(p => p.Name, p => p.GetValue(parameters));
            values.Remove("Id");
            values["IsActive"] = active;
            values["created_at"] = created;
            values["updated_at"] = clock.Utc(row, "Modified", id) ?? created;
            run.Decide(Table, id, values, existing.GetValueOrDefault(id));
        }
    }

    /// <summary>A planned voice message's values under voice_messages' column names.</summary>
    public static Dictionary<string, object?> Columns(Dictionary<string, object?> values) =>
        values.ToDictionary(p => p.Key.Contains('_', StringComparison.Ordinal) ? p.Key : SnakeCase(p.Key), p => p.Value);

    /// <summary>
    /// The legacy mapping refuses what it cannot map (an unknown gender, a language it has no voice for); the message is
    /// still imported, with the refused setting dropped and the choice reported.
    /// </summary>
    private static CreateVoiceMessage.Request WithoutRefusedSettings(CreateVoiceMessage.Request request, long id, ImportReport report)
    {
        foreach (var (field, message) in VoiceMessageRules.Resolve(request).Errors)
        {
            report.Add(Table, id, "voice_setting_dropped", message);
            request = field switch
            {
                "voice_gender" => request with { VoiceGender = null },
                "tropo_voice" => request with { TropoVoice = null },
                "voice_rate" => request with { VoiceRate = null },
                "voice_age" => request with { VoiceAge = null },
                "language" => request with { Language = null },
                _ => request,
            };
        }

        return request;
    }

    /// <summary><c>[FirstName]</c>, <c>{{FirstName}}</c> and <c>{{ FirstName }}</c> become the product's <c>{{first_name}}</c>.</summary>
    public static string ProductVariables(string text) =>
        LegacyPlaceholder().Replace(text, match => "{{" + SnakeCase(match.Groups["bracket"].Success ? match.Groups["bracket"].Value : match.Groups["brace"].Value) + "}}");

    private static string SnakeCase(string name) => CamelHump().Replace(name, "$1_$2").ToLowerInvariant();

    [GeneratedRegex(@"\[(?<bracket>[A-Za-z][A-Za-z0-9_]*)\]|\{\{[ \t]*(?<brace>[A-Za-z_][A-Za-z0-9_]*)[ \t]*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex LegacyPlaceholder();

    [GeneratedRegex("([a-z0-9])([A-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex CamelHump();

    /// <summary>The legacy Voice table has no language; the language its TwiML spoke it in (<c>&lt;Say language&gt;</c>) is the best guide.</summary>
    private static Dictionary<long, string> SayLanguagesByVoice(LegacySource source)
    {
        var languages = new Dictionary<long, string>();
        foreach (var row in source.Rows(LegacyTables.VoiceXml))
        {
            if (row.Number("VoiceID") is not { } voiceId || languages.ContainsKey(voiceId) || ImportVoiceXml.Parse(row.Text("XMLContent")) is not { } document) continue;
            if (document.Descendants("Say").Select(s => s.Attribute("language")?.Value).FirstOrDefault(l => !string.IsNullOrWhiteSpace(l)) is { } language)
                languages[voiceId] = language.Trim();
        }

        return languages;
    }
}

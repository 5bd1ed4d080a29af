using System.Globalization;
using App.Twilio;
using Microsoft.Data.Sqlite;

namespace App.Features.VoiceMessages;

/// <summary>
/// The rules create, update and duplicate share: which voice, language and rate a request means (including the legacy
/// voice_gender/tropo_voice mapping), the checks that need the database, and the 409 for a taken name.
/// </summary>
internal static class VoiceMessageRules
{
    public const int MaxNameLength = 100;
    public const string DefaultLanguage = "en-US";
    public static readonly IReadOnlyList<string> Types = ["message", "reminder", "alert"];
    public static readonly IReadOnlyList<string> PlayPositions = ["before", "after", "instead"];
    public static readonly IReadOnlyList<string> LegacyGenders = ["alice", "man", "woman"];
    public static readonly IReadOnlyList<string> TropoVoices = ["Allison", "Susan", "Vanessa", "Victor"];

    /// <summary>What gets stored: the voice columns after defaults and the legacy mapping.</summary>
    public sealed record Choice(string Voice, string Language, string VoiceRate, string? VoiceGender, int? VoiceAge, string? TropoVoice);

    public sealed record Resolution(Choice Choice, IReadOnlyList<(string Field, string Message)> Errors);

    /// <summary>
    /// An explicit <c>voice</c> wins. Without one, legacy <c>voice_gender</c>/<c>tropo_voice</c> go through
    /// <see cref="LegacyVoiceMapping"/>; with neither, the language's default voice (<see cref="DefaultVoiceFor"/>).
    /// </summary>
    public static Resolution Resolve(CreateVoiceMessage.Request request)
    {
        var errors = new List<(string, string)>();
        var language = Trimmed(request.Language);
        var rate = Trimmed(request.VoiceRate);
        var gender = Trimmed(request.VoiceGender)?.ToLowerInvariant();
        var tropo = Trimmed(request.TropoVoice);
        tropo = TropoVoices.FirstOrDefault(t => string.Equals(t, tropo, StringComparison.OrdinalIgnoreCase)) ?? tropo;

        if (gender is not null && !LegacyGenders.Contains(gender))
            errors.Add(("voice_gender", "voice_gender is alice, man or woman (a legacy setting: prefer voice)."));
        if (tropo is not null && !TropoVoices.Contains(tropo))
            errors.Add(("tropo_voice", "tropo_voice is Allison, Susan, Vanessa or Victor (a legacy setting: prefer voice)."));
        if (request.VoiceAge is < 1 or > 120)
            errors.Add(("voice_age", "voice_age is a number of years between 1 and 120."));
        var knownLanguage = language is null || TwilioVoices.IsKnownLanguage(language);
        if (!knownLanguage)
            errors.Add(("language", $"Unknown language '{language}': use a locale from GET /api/voice-messages/options, such as en-US."));

        var voice = Trimmed(request.Voice);
        if (voice is null && (gender is not null || tropo is not null))
        {
            if (rate is not null && LegacyVoiceMapping.MapRate(rate) is null && !IsDefaultLegacyRate(rate))
                errors.Add(("voice_rate", RateMessage(rate)));
            var mapped = LegacyVoiceMapping.Map(new LegacyVoiceSettings(gender, request.VoiceAge, rate, tropo, knownLanguage ? language : null));
            var tropoForcesEnglish = tropo is not null && language?.StartsWith("en-", StringComparison.Ordinal) == true;
            if (language is not null && knownLanguage && mapped.Language != language && !tropoForcesEnglish)
                errors.Add(("language", $"The legacy voice mapping has no voice for {language}: choose a voice that speaks it."));
            return new(new Choice(mapped.Voice, mapped.Language, mapped.ProsodyRate ?? "medium", gender, request.VoiceAge, tropo), errors);
        }

        language ??= voice is null ? DefaultLanguage : TwilioVoices.Find(voice)?.Language ?? DefaultLanguage;
        if (voice is null)
        {
            voice = DefaultVoiceFor(knownLanguage ? language : DefaultLanguage);
        }
        else if (TwilioVoices.IsRetired(voice))
        {
            errors.Add(("voice", $"'{voice}' was retired by Twilio. Pick a current voice, or leave voice out and send voice_gender " +
                                 "'alice' to get its documented replacement (Polly.Joanna for en-US; see legacy_mapping in GET /api/voice-messages/options)."));
        }
        else if (!TwilioVoices.IsKnown(voice))
        {
            var suggestion = TwilioVoices.All.FirstOrDefault(v => string.Equals(v.Name, voice, StringComparison.OrdinalIgnoreCase));
            errors.Add(("voice", suggestion is null
                ? $"Unknown voice '{voice}': use a voice from GET /api/voice-messages/options, such as Polly.Joanna-Neural."
                : $"Unknown voice '{voice}': voice names are case-sensitive; did you mean '{suggestion.Name}'?"));
        }
        else if (knownLanguage && !TwilioVoices.Speaks(voice, language))
        {
            var spoken = TwilioVoices.ProviderOf(voice) == VoiceProvider.Basic
                ? string.Join(", ", TwilioVoices.BasicLanguages)
                : TwilioVoices.Find(voice)!.Language;
            errors.Add(("language", $"{voice} does not speak {language} (it speaks {spoken})."));
        }

        if (rate is not null && !TwilioVoices.IsValidProsodyRate(rate))
            errors.Add(("voice_rate", RateMessage(rate)));

        gender ??= TwilioVoices.Find(voice)?.Gender == "male" ? "man" : "woman";
        return new(new Choice(voice, language, rate ?? "medium", gender, request.VoiceAge, tropo), errors);
    }

    /// <summary>A language's default voice: a female Polly Neural voice when there is one, else Standard, else Google.</summary>
    public static string DefaultVoiceFor(string language) =>
        TwilioVoices.All
            .Where(v => v.Language == language && v.Provider != VoiceProvider.Basic)
            .OrderBy(v => v.Provider == VoiceProvider.Polly ? 0 : 1)
            .ThenBy(v => v.Engine == "Neural" ? 0 : 1)
            .ThenBy(v => v.Gender == "female" ? 0 : 1)
            .Select(v => v.Name)
            .FirstOrDefault() ?? "Polly.Joanna-Neural";

    public static string SayLimitMessage(int length, string voice)
    {
        var provider = TwilioVoices.ProviderOf(voice)?.ToString() ?? "Polly";
        var counting = TwilioVoices.SayLengthCountsMarkup(voice) ? ", counting SSML markup" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"The text is {length:N0} characters; {provider} voices speak at most {TwilioVoices.MaxSayLength(voice):N0} in one <Say>{counting}.");
    }

    public static string PlaceholderMessage(string placeholder) =>
        $"'{placeholder}' is not a valid placeholder: write {{{{name}}}} with letters, digits or _ (not starting with a digit), e.g. {{{{first_name}}}}.";

    /// <summary>409 CONFLICT when another voice message of the tenant has this name (case-insensitive), else null.</summary>
    public static async Task<IResult?> NameTakenAsync(SqliteConnection connection, string tenantId, string name, long? exceptId)
    {
        var taken = await connection.ExecuteScalarAsync<long?>("""
            SELECT id FROM voice_messages
            WHERE tenant_id = @TenantId AND name = @Name COLLATE NOCASE AND (@ExceptId IS NULL OR id <> @ExceptId)
            LIMIT 1
            """, new { TenantId = tenantId, Name = name, ExceptId = exceptId });
        return taken is null ? null : NameConflict(name);
    }

    /// <summary>The 409 of <see cref="NameConflict"/>, in the OpenAPI document.</summary>
    public static RouteHandlerBuilder RefusesNameTaken(this RouteHandlerBuilder endpoint) =>
        endpoint.Refuses(StatusCodes.Status409Conflict, ErrorCodes.Conflict, "another voice message of the tenant has this name (compared ignoring case)");

    public static IResult NameConflict(string name) =>
        Api.Error(StatusCodes.Status409Conflict, ErrorCodes.Conflict, $"A voice message named '{name}' already exists.",
            new Dictionary<string, string[]> { ["name"] = [$"A voice message named '{name}' already exists (names are compared ignoring case)."] });

    /// <summary>400 on voice_file_id unless it is an active file of this tenant's library, else null.</summary>
    public static async Task<IResult?> FileMissingAsync(SqliteConnection connection, string tenantId, long? fileId)
    {
        if (fileId is null) return null;
        var found = await connection.ExecuteScalarAsync<long?>(
            "SELECT id FROM voice_files WHERE id = @Id AND tenant_id = @TenantId AND is_active = 1",
            new { Id = fileId, TenantId = tenantId });
        return found is null ? FileMissing(fileId.Value) : null;
    }

    public static IResult FileMissing(long fileId) =>
        Validation.Problem("voice_file_id", $"There is no active audio file {fileId} in your library.");

    /// <summary>SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_FOREIGNKEY (787), both of primary code 19.</summary>
    public static bool IsUniqueViolation(SqliteException ex) => ex.SqliteErrorCode == 19 && ex.SqliteExtendedErrorCode == 2067;

    public static bool IsForeignKeyViolation(SqliteException ex) => ex.SqliteErrorCode == 19 && ex.SqliteExtendedErrorCode == 787;

    private static string RateMessage(string rate) =>
        $"Unknown voice_rate '{rate}': use {string.Join(", ", TwilioVoices.ProsodyRates)} or a percentage from 20% to 200%, such as 85%.";

    private static bool IsDefaultLegacyRate(string rate) =>
        rate.ToLowerInvariant() is "medium" or "normal" or "100" or "100%";

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

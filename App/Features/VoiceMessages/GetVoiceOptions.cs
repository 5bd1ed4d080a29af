using App.Twilio;

namespace App.Features.VoiceMessages;

/// <summary>
/// GET /api/voice-messages/options — the choices the editor offers: voices (with their language, provider, SSML support
/// and <c>&lt;Say&gt;</c> limit), rates, languages, types, and the documented mapping of legacy voice settings.
/// </summary>
public static class GetVoiceOptions
{
    public sealed record Response(
        IReadOnlyList<Voice> Voices,
        IReadOnlyList<string> Rates,
        string RatePercentRange,
        IReadOnlyList<string> Languages,
        IReadOnlyList<string> Types,
        IReadOnlyList<string> PlayPositions,
        IReadOnlyList<LegacyMapping> LegacyMapping);

    public sealed record Voice(string Name, string Language, string Provider, string Engine, string Gender, bool SupportsSsml, int MaxSayLength);

    public sealed record LegacyMapping(string? VoiceGender, string? TropoVoice, string Voice, string Language);

    // The catalogue is fixed at build time, so the answer is computed once.
    private static readonly Lazy<Response> Options = new(Build);

    public static IResult Handle() => Api.Ok(Options.Value);

    private static Response Build()
    {
        var voices = TwilioVoices.All
            .Select(v => new Voice(v.Name, v.Language, v.Provider.ToString().ToLowerInvariant(), v.Engine, v.Gender,
                TwilioVoices.SupportsSsml(v.Name), TwilioVoices.MaxSayLength(v.Name)))
            .ToList();

        var mapping = new List<LegacyMapping>();
        foreach (var language in TwilioVoices.Languages.Where(l => LegacyVoiceMapping.NormalizeLanguage(l) == l))
        {
            foreach (var gender in VoiceMessageRules.LegacyGenders)
            {
                var mapped = LegacyVoiceMapping.Map(new LegacyVoiceSettings(VoiceGender: gender, Language: language));
                mapping.Add(new LegacyMapping(gender, null, mapped.Voice, mapped.Language));
            }
        }

        foreach (var tropo in VoiceMessageRules.TropoVoices)
        {
            var mapped = LegacyVoiceMapping.Map(new LegacyVoiceSettings(TropoVoice: tropo));
            mapping.Add(new LegacyMapping(null, tropo, mapped.Voice, mapped.Language));
        }

        return new Response(voices, TwilioVoices.ProsodyRates, "20%-200%", TwilioVoices.Languages, VoiceMessageRules.Types,
            VoiceMessageRules.PlayPositions, mapping);
    }
}

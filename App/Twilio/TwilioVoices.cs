using System.Text.RegularExpressions;

// Ours: the SDK takes any voice name; which voices we offer and what each accepts (SSML, lengths) are our rules.
namespace App.Twilio;

public enum VoiceProvider
{
    /// <summary>Twilio's free <c>man</c>/<c>woman</c> voices: no SSML.</summary>
    Basic,
    Polly,
    Google,
}

/// <param name="Name">The value of <c>&lt;Say voice&gt;</c>, e.g. <c>Polly.Joanna-Neural</c>.</param>
/// <param name="Language">The voice's locale; Basic voices list their first language here (see <see cref="TwilioVoices.BasicLanguages"/>).</param>
/// <param name="Engine">Basic, Standard, Neural, Wavenet or Neural2.</param>
/// <param name="Gender">female or male.</param>
public sealed record VoiceInfo(string Name, string Language, VoiceProvider Provider, string Engine, string Gender);

/// <summary>
/// A curated catalogue of the text-to-speech voices this product offers, with the per-provider rules that
/// validators need (see docs/twilio.md, "TwiML" and "Limits"). Voice names are case-sensitive, as in TwiML.
/// </summary>
/// <remarks>
/// The list is deliberately short: common Polly Standard/Neural voices and a few Google voices per language.
/// Twilio supports more; add entries here when a customer needs one. <c>alice</c> is retired and is not a known voice.
/// </remarks>
public static partial class TwilioVoices
{
    public const string Man = "man";
    public const string Woman = "woman";

    /// <summary>Basic voices count plain characters.</summary>
    public const int BasicMaxSayLength = 4000;

    /// <summary>Polly voices: 3,000 characters, not counting SSML markup.</summary>
    public const int PollyMaxSayLength = 3000;

    /// <summary>Google voices: 5,000 characters, counting SSML markup, spaces and newlines.</summary>
    public const int GoogleMaxSayLength = 5000;

    /// <summary>Prosody rate keywords; a percentage such as <c>85%</c> is also accepted (<see cref="IsValidProsodyRate"/>).</summary>
    public static IReadOnlyList<string> ProsodyRates { get; } = ["x-slow", "slow", "medium", "fast", "x-fast"];

    /// <summary>Languages the Basic man/woman voices speak (an assumption from Twilio's older Say docs; unverified).</summary>
    public static IReadOnlyList<string> BasicLanguages { get; } = ["en-US", "en-GB", "es-ES", "fr-FR", "de-DE"];

    public static IReadOnlyList<VoiceInfo> All { get; } = BuildCatalogue();

    /// <summary>Every language some known voice speaks, sorted.</summary>
    public static IReadOnlyList<string> Languages { get; } =
        [.. All.Select(v => v.Language).Concat(BasicLanguages).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static readonly Dictionary<string, VoiceInfo> ByName = All.ToDictionary(v => v.Name, StringComparer.Ordinal);

    public static bool IsKnown(string? voice) => voice is not null && ByName.ContainsKey(voice);

    public static VoiceInfo? Find(string? voice) => voice is not null && ByName.TryGetValue(voice, out var info) ? info : null;

    public static bool IsKnownLanguage(string? language) =>
        language is not null && Languages.Contains(language, StringComparer.Ordinal);

    /// <summary>True for the voices Twilio removed (<c>alice</c>); TwiML must never name them.</summary>
    public static bool IsRetired(string? voice) => string.Equals(voice, "alice", StringComparison.OrdinalIgnoreCase);

    /// <summary>The provider, from the name's prefix, so voices outside the curated list are still classified. Null when unknown.</summary>
    public static VoiceProvider? ProviderOf(string? voice) => voice switch
    {
        Man or Woman => VoiceProvider.Basic,
        not null when voice.StartsWith("Polly.", StringComparison.Ordinal) => VoiceProvider.Polly,
        not null when voice.StartsWith("Google.", StringComparison.Ordinal) => VoiceProvider.Google,
        _ => null,
    };

    /// <summary>Only Polly and Google voices take SSML. Null (the account default) is treated as not supporting it.</summary>
    public static bool SupportsSsml(string? voice) => ProviderOf(voice) is VoiceProvider.Polly or VoiceProvider.Google;

    /// <summary>
    /// Maximum characters in one <c>&lt;Say&gt;</c>. For an unknown or default voice, the strictest limit (Polly's 3,000).
    /// </summary>
    public static int MaxSayLength(string? voice) => ProviderOf(voice) switch
    {
        VoiceProvider.Basic => BasicMaxSayLength,
        VoiceProvider.Google => GoogleMaxSayLength,
        _ => PollyMaxSayLength,
    };

    /// <summary>Whether SSML markup counts toward <see cref="MaxSayLength"/> (Google: yes; Polly: no).</summary>
    public static bool SayLengthCountsMarkup(string? voice) => ProviderOf(voice) == VoiceProvider.Google;

    /// <summary>True when the curated catalogue says <paramref name="voice"/> speaks <paramref name="language"/>.</summary>
    public static bool Speaks(string voice, string language)
    {
        if (ProviderOf(voice) == VoiceProvider.Basic)
        {
            return BasicLanguages.Contains(language, StringComparer.Ordinal);
        }

        return Find(voice)?.Language == language;
    }

    /// <summary>x-slow | slow | medium | fast | x-fast | n% with n in 20..200 (the range Polly accepts).</summary>
    public static bool IsValidProsodyRate(string? rate)
    {
        if (rate is null)
        {
            return false;
        }

        if (ProsodyRates.Contains(rate, StringComparer.Ordinal))
        {
            return true;
        }

        var match = Percent().Match(rate);
        return match.Success && int.Parse(match.Groups[1].ValueSpan, provider: System.Globalization.CultureInfo.InvariantCulture) is >= 20 and <= 200;
    }

    private static List<VoiceInfo> BuildCatalogue()
    {
        var voices = new List<VoiceInfo>
        {
            new(Man, "en-US", VoiceProvider.Basic, "Basic", "male"),
            new(Woman, "en-US", VoiceProvider.Basic, "Basic", "female"),
        };

        // (name, language, gender, standard?, neural?)
        (string Name, string Language, string Gender, bool Standard, bool Neural)[] polly =
        [
            ("Joanna", "en-US", "female", true, true), ("Salli", "en-US", "female", true, true),
            ("Kimberly", "en-US", "female", true, true), ("Kendra", "en-US", "female", true, true),
            ("Ivy", "en-US", "female", true, true), ("Ruth", "en-US", "female", false, true),
            ("Danielle", "en-US", "female", false, true), ("Matthew", "en-US", "male", true, true),
            ("Joey", "en-US", "male", true, true), ("Justin", "en-US", "male", true, true),
            ("Kevin", "en-US", "male", false, true), ("Stephen", "en-US", "male", false, true),
            ("Gregory", "en-US", "male", false, true),
            ("Amy", "en-GB", "female", true, true), ("Emma", "en-GB", "female", true, true),
            ("Brian", "en-GB", "male", true, true), ("Arthur", "en-GB", "male", false, true),
            ("Nicole", "en-AU", "female", true, false), ("Olivia", "en-AU", "female", false, true),
            ("Russell", "en-AU", "male", true, false),
            ("Raveena", "en-IN", "female", true, false), ("Kajal", "en-IN", "female", false, true),
            ("Conchita", "es-ES", "female", true, false), ("Lucia", "es-ES", "female", true, true),
            ("Enrique", "es-ES", "male", true, false), ("Sergio", "es-ES", "male", false, true),
            ("Mia", "es-MX", "female", true, true), ("Andres", "es-MX", "male", false, true),
            ("Penelope", "es-US", "female", true, false), ("Lupe", "es-US", "female", true, true),
            ("Miguel", "es-US", "male", true, false), ("Pedro", "es-US", "male", false, true),
            ("Lea", "fr-FR", "female", true, true), ("Mathieu", "fr-FR", "male", true, false),
            ("Remi", "fr-FR", "male", false, true),
            ("Chantal", "fr-CA", "female", true, false), ("Gabrielle", "fr-CA", "female", false, true),
            ("Liam", "fr-CA", "male", false, true),
            ("Marlene", "de-DE", "female", true, false), ("Vicki", "de-DE", "female", true, true),
            ("Hans", "de-DE", "male", true, false), ("Daniel", "de-DE", "male", false, true),
            ("Carla", "it-IT", "female", true, false), ("Bianca", "it-IT", "female", true, true),
            ("Giorgio", "it-IT", "male", true, false), ("Adriano", "it-IT", "male", false, true),
            ("Vitoria", "pt-BR", "female", true, true), ("Camila", "pt-BR", "female", true, true),
            ("Ricardo", "pt-BR", "male", true, false), ("Thiago", "pt-BR", "male", false, true),
            ("Ines", "pt-PT", "female", true, true), ("Cristiano", "pt-PT", "male", true, false),
            ("Lotte", "nl-NL", "female", true, false), ("Laura", "nl-NL", "female", false, true),
            ("Ruben", "nl-NL", "male", true, false),
            ("Mizuki", "ja-JP", "female", true, false), ("Takumi", "ja-JP", "male", true, true),
        ];
        foreach (var (name, language, gender, standard, neural) in polly)
        {
            if (standard)
            {
                voices.Add(new($"Polly.{name}", language, VoiceProvider.Polly, "Standard", gender));
            }

            if (neural)
            {
                voices.Add(new($"Polly.{name}-Neural", language, VoiceProvider.Polly, "Neural", gender));
            }
        }

        // (locale, type, letter, gender)
        (string Language, string Type, string Letter, string Gender)[] google =
        [
            ("en-US", "Standard", "C", "female"), ("en-US", "Standard", "D", "male"),
            ("en-US", "Wavenet", "F", "female"), ("en-US", "Wavenet", "D", "male"),
            ("en-US", "Neural2", "F", "female"), ("en-US", "Neural2", "J", "male"),
            ("en-GB", "Standard", "A", "female"), ("en-GB", "Standard", "B", "male"),
            ("en-GB", "Neural2", "A", "female"), ("en-GB", "Neural2", "B", "male"),
            ("en-AU", "Standard", "A", "female"), ("en-AU", "Standard", "B", "male"),
            ("es-ES", "Standard", "A", "female"), ("es-ES", "Standard", "B", "male"),
            ("fr-FR", "Standard", "A", "female"), ("fr-FR", "Standard", "B", "male"),
            ("de-DE", "Standard", "A", "female"), ("de-DE", "Standard", "B", "male"),
            ("it-IT", "Standard", "A", "female"), ("pt-BR", "Standard", "A", "female"),
        ];
        foreach (var (language, type, letter, gender) in google)
        {
            voices.Add(new($"Google.{language}-{type}-{letter}", language, VoiceProvider.Google, type, gender));
        }

        return voices;
    }

    [GeneratedRegex("^([0-9]{1,3})%$")]
    private static partial Regex Percent();
}

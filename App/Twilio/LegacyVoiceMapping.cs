using System.Globalization;

// Ours: the legacy app's voice settings (alice, Tropo names, a rate attribute) are our customers' data; the SDK knows nothing of them.
namespace App.Twilio;

/// <summary>The voice columns of a legacy voice message (product spec <c>voice_messages</c>, legacy <c>Voice</c> table).</summary>
/// <param name="VoiceGender">alice | man | woman (spec default alice); any case, blank = alice.</param>
/// <param name="VoiceAge">Years (spec default 25); only an age under 13 changes the voice.</param>
/// <param name="VoiceRate">slow | medium | fast, x-slow/x-fast, or a percentage such as <c>85%</c> or <c>85</c>.</param>
/// <param name="TropoVoice">Allison | Susan | Vanessa | Victor, or empty/null.</param>
/// <param name="Language">A locale (<c>en-US</c>, <c>en_gb</c>, <c>fr</c>...); null means en-US.</param>
public sealed record LegacyVoiceSettings(
    string? VoiceGender = null,
    int? VoiceAge = null,
    string? VoiceRate = null,
    string? TropoVoice = null,
    string? Language = null);

/// <summary>What to put in TwiML: <c>&lt;Say voice="Voice" language="Language"&gt;</c>, and when <see cref="ProsodyRate"/>
/// is set, the text wrapped in <c>&lt;prosody rate&gt;</c> (never a <c>rate</c> attribute on Say).</summary>
public sealed record VoiceSelection(string Voice, string Language, string? ProsodyRate);

/// <summary>
/// Maps the legacy voice settings (Twilio's retired <c>alice</c>, the Basic <c>man</c>/<c>woman</c>, Tropo voice names
/// and the invalid <c>rate</c> attribute) to a current Amazon Polly voice and an SSML prosody rate.
/// </summary>
/// <remarks>
/// <para>Voices (Polly Standard voices, the cheapest ones that take SSML; Neural only where a language has no Standard voice):</para>
/// <list type="table">
///   <listheader><term>language</term><description>woman / alice → ; man →</description></listheader>
///   <item><term>en-US (default)</term><description>Polly.Joanna ; Polly.Matthew</description></item>
///   <item><term>en-GB</term><description>Polly.Amy ; Polly.Brian</description></item>
///   <item><term>en-AU</term><description>Polly.Nicole ; Polly.Russell</description></item>
///   <item><term>es-ES</term><description>Polly.Lucia ; Polly.Enrique</description></item>
///   <item><term>es-MX</term><description>Polly.Mia ; Polly.Andres-Neural</description></item>
///   <item><term>es-US</term><description>Polly.Penelope ; Polly.Miguel</description></item>
///   <item><term>fr-FR</term><description>Polly.Lea ; Polly.Mathieu</description></item>
///   <item><term>fr-CA</term><description>Polly.Chantal ; Polly.Liam-Neural</description></item>
///   <item><term>de-DE</term><description>Polly.Vicki ; Polly.Hans</description></item>
///   <item><term>it-IT</term><description>Polly.Bianca ; Polly.Giorgio</description></item>
///   <item><term>pt-BR</term><description>Polly.Camila ; Polly.Ricardo</description></item>
///   <item><term>pt-PT</term><description>Polly.Ines ; Polly.Cristiano</description></item>
///   <item><term>nl-NL</term><description>Polly.Lotte ; Polly.Ruben</description></item>
///   <item><term>ja-JP</term><description>Polly.Mizuki ; Polly.Takumi</description></item>
///   <item><term>anything else</term><description>falls back to en-US</description></item>
///   <item><term>Tropo Allison / Susan / Vanessa / Victor</term><description>Polly.Joanna / Polly.Kimberly / Polly.Salli / Polly.Joey (all en-US; used when the language is English or unset, and they win over the gender)</description></item>
///   <item><term>voice_age under 13, en-US</term><description>Polly.Ivy (woman/alice) / Polly.Justin (man)</description></item>
/// </list>
/// <para>Bare languages map to a default region: en → en-US, es → es-ES, fr → fr-FR, de → de-DE, it → it-IT,
/// pt → pt-BR, nl → nl-NL, ja → ja-JP.</para>
/// <para>Rates: slow → <c>slow</c>, medium → none, fast → <c>fast</c>, x-slow/x-fast kept, <c>n%</c> or a bare number
/// kept as <c>n%</c> when within Polly's 20–200% (100% → none); anything else → none.</para>
/// </remarks>
public static class LegacyVoiceMapping
{
    private const string DefaultLanguage = "en-US";

    private static readonly Dictionary<string, (string Female, string Male)> ByLanguage = new(StringComparer.Ordinal)
    {
        ["en-US"] = ("Polly.Joanna", "Polly.Matthew"),
        ["en-GB"] = ("Polly.Amy", "Polly.Brian"),
        ["en-AU"] = ("Polly.Nicole", "Polly.Russell"),
        ["es-ES"] = ("Polly.Lucia", "Polly.Enrique"),
        ["es-MX"] = ("Polly.Mia", "Polly.Andres-Neural"),
        ["es-US"] = ("Polly.Penelope", "Polly.Miguel"),
        ["fr-FR"] = ("Polly.Lea", "Polly.Mathieu"),
        ["fr-CA"] = ("Polly.Chantal", "Polly.Liam-Neural"),
        ["de-DE"] = ("Polly.Vicki", "Polly.Hans"),
        ["it-IT"] = ("Polly.Bianca", "Polly.Giorgio"),
        ["pt-BR"] = ("Polly.Camila", "Polly.Ricardo"),
        ["pt-PT"] = ("Polly.Ines", "Polly.Cristiano"),
        ["nl-NL"] = ("Polly.Lotte", "Polly.Ruben"),
        ["ja-JP"] = ("Polly.Mizuki", "Polly.Takumi"),
    };

    private static readonly Dictionary<string, string> BareLanguages = new(StringComparer.OrdinalIgnoreCase)
    {
        ["en"] = "en-US", ["es"] = "es-ES", ["fr"] = "fr-FR", ["de"] = "de-DE",
        ["it"] = "it-IT", ["pt"] = "pt-BR", ["nl"] = "nl-NL", ["ja"] = "ja-JP",
    };

    private static readonly Dictionary<string, string> TropoVoices = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Allison"] = "Polly.Joanna",
        ["Susan"] = "Polly.Kimberly",
        ["Vanessa"] = "Polly.Salli",
        ["Victor"] = "Polly.Joey",
    };

    public static VoiceSelection Map(LegacyVoiceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var language = NormalizeLanguage(settings.Language);
        var rate = MapRate(settings.VoiceRate);

        var tropo = settings.TropoVoice?.Trim();
        if (!string.IsNullOrEmpty(tropo) && TropoVoices.TryGetValue(tropo, out var tropoVoice)
            && language.StartsWith("en-", StringComparison.Ordinal))
        {
            return new VoiceSelection(tropoVoice, DefaultLanguage, rate);
        }

        var male = string.Equals(settings.VoiceGender?.Trim(), "man", StringComparison.OrdinalIgnoreCase);
        if (settings.VoiceAge is < 13 && language == DefaultLanguage)
        {
            return new VoiceSelection(male ? "Polly.Justin" : "Polly.Ivy", language, rate);
        }

        var (female, maleVoice) = ByLanguage[language];
        return new VoiceSelection(male ? maleVoice : female, language, rate);
    }

    /// <summary>The prosody rate for a legacy <c>voice_rate</c>, or null when the default speed is meant.</summary>
    public static string? MapRate(string? legacyRate)
    {
        var rate = legacyRate?.Trim().ToLowerInvariant();
        switch (rate)
        {
            case null or "" or "medium" or "normal" or "100%" or "100":
                return null;
            case "slow" or "fast" or "x-slow" or "x-fast":
                return rate;
        }

        var number = rate.EndsWith('%') ? rate[..^1] : rate;
        return int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var percent) && percent is >= 20 and <= 200
            ? percent.ToString(CultureInfo.InvariantCulture) + "%"
            : null;
    }

    /// <summary>A supported locale for <paramref name="language"/> (case and <c>_</c> tolerated), en-US when unknown.</summary>
    public static string NormalizeLanguage(string? language)
    {
        var trimmed = language?.Trim().Replace('_', '-');
        if (string.IsNullOrEmpty(trimmed))
        {
            return DefaultLanguage;
        }

        if (BareLanguages.TryGetValue(trimmed, out var regional))
        {
            return regional;
        }

        var dash = trimmed.IndexOf('-', StringComparison.Ordinal);
        var candidate = dash < 0
            ? trimmed
            : trimmed[..dash].ToLowerInvariant() + "-" + trimmed[(dash + 1)..].ToUpperInvariant();
        return ByLanguage.ContainsKey(candidate) ? candidate : DefaultLanguage;
    }
}

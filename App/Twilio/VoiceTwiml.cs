using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using SdkSay = global::Twilio.TwiML.Voice.Say;
using SdkVoiceResponse = global::Twilio.TwiML.VoiceResponse;

// Ours: the rules the SDK's TwiML builder does not know (no alice, SSML only where the voice takes it, clean characters, validation).
namespace App.Twilio;

/// <summary>
/// A voice TwiML document, written by the SDK's builder (<see cref="SdkVoiceResponse"/>: elements, attributes,
/// escaping) under our rules, which the builder does not know (see docs/twilio.md, "TwiML"):
/// <list type="bullet">
///   <item><c>alice</c> is refused: legacy voices go through <see cref="LegacyVoiceMapping"/> first;</item>
///   <item><c>&lt;Say&gt;</c> has only voice, language and loop; a speaking rate becomes SSML <c>&lt;prosody rate&gt;</c>,
///     written only for voices that take SSML (Polly, Google), so a Basic voice or the account default speaks the text;</item>
///   <item>characters XML cannot carry (control characters, lone surrogates) are dropped instead of failing;</item>
///   <item>the finished document must pass <see cref="TwimlDocument"/>'s validator, as Twilio's parser would.</item>
/// </list>
/// An argument that breaks a rule throws <see cref="ArgumentException"/> as the verb is added.
/// </summary>
public sealed partial class VoiceTwiml
{
    private readonly SdkVoiceResponse _response = new();

    /// <param name="voice">man, woman, Polly.*, Google.*, or null for the account default; <c>alice</c> throws.</param>
    /// <param name="rate">x-slow | slow | medium | fast | x-fast | n% (see <see cref="TwilioVoices.IsValidProsodyRate"/>), or null.</param>
    public VoiceTwiml Say(string text, string? voice = null, string? language = null, string? rate = null, int? loop = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (voice is not null && string.IsNullOrWhiteSpace(voice))
        {
            throw new ArgumentException("Voice must not be blank; pass null for the account default.", nameof(voice));
        }

        if (TwilioVoices.IsRetired(voice))
        {
            throw new ArgumentException($"Voice '{voice}' is retired by Twilio; map it with LegacyVoiceMapping to a current voice.", nameof(voice));
        }

        if (language is not null && !LanguageTag().IsMatch(language))
        {
            throw new ArgumentException($"Language '{language}' is not a locale such as en-US.", nameof(language));
        }

        if (rate is not null && !TwilioVoices.IsValidProsodyRate(rate))
        {
            throw new ArgumentException($"Unknown prosody rate '{rate}'.", nameof(rate));
        }

        NotNegative(loop, nameof(loop));
        var say = new SdkSay();
        if (voice is not null) say.Voice = voice;
        if (language is not null) say.Language = language;
        say.Loop = loop;
        if (rate is not null && TwilioVoices.SupportsSsml(voice)) say.Prosody(Clean(text), rate: rate);
        else say.AddText(Clean(text));
        _response.Append(say);
        return this;
    }

    /// <summary><c>&lt;Play&gt;</c> of an audio URL, written as given (escapes kept).</summary>
    public VoiceTwiml Play(string url, int? loop = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        NotNegative(loop, nameof(loop));
        _response.Play(new Uri(Clean(url), UriKind.RelativeOrAbsolute), loop);
        return this;
    }

    public VoiceTwiml Hangup()
    {
        _response.Hangup();
        return this;
    }

    /// <summary>The document, on one line after the XML declaration.</summary>
    public string ToXml()
    {
        var xml = _response.ToString(SaveOptions.DisableFormatting);
        var check = TwimlDocument.Validate(xml, TwimlKind.Voice);
        return check.IsValid ? xml : throw new InvalidOperationException("The TwiML written breaks Twilio's rules: " + check.Error);
    }

    public override string ToString() => ToXml();

    /// <summary>Drops what XML 1.0 cannot carry at all, which would make the builder throw on user-supplied text.</summary>
    internal static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                builder.Append(text, i, 2);
                i++;
            }
            else if (XmlConvert.IsXmlChar(text[i]))
            {
                builder.Append(text[i]);
            }
        }

        return builder.Length == text.Length ? text : builder.ToString();
    }

    private static void NotNegative(int? value, string name)
    {
        if (value is < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must not be negative.");
        }
    }

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex LanguageTag();
}

using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace App.Twilio;

/// <summary>One verb of a TwiML document; it validates its arguments when built and writes itself.</summary>
internal abstract class TwimlVerb
{
    internal abstract void Write(XmlWriter writer);
}

internal sealed partial class SayVerb : TwimlVerb
{
    private readonly IReadOnlyList<SsmlNode> _content;
    private readonly string? _voice;
    private readonly string? _language;
    private readonly int? _loop;

    internal SayVerb(IReadOnlyList<SsmlNode> content, string? voice, string? language, int? loop)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Any(c => c is null))
        {
            throw new ArgumentException("Say content must not contain null nodes.", nameof(content));
        }

        if (voice is not null)
        {
            if (string.IsNullOrWhiteSpace(voice))
            {
                throw new ArgumentException("Voice must not be blank; pass null for the account default.", nameof(voice));
            }

            if (TwilioVoices.IsRetired(voice))
            {
                throw new ArgumentException(
                    $"Voice '{voice}' is retired by Twilio; map it with LegacyVoiceMapping to a current voice.", nameof(voice));
            }
        }

        if (language is not null && !LanguageTag().IsMatch(language))
        {
            throw new ArgumentException($"Language '{language}' is not a locale such as en-US.", nameof(language));
        }

        Verbs.EnsureNonNegative(loop, nameof(loop));
        _content = [.. content];
        _voice = voice;
        _language = language;
        _loop = loop;
    }

    internal override void Write(XmlWriter writer)
    {
        writer.WriteStartElement("Say");
        TwimlText.WriteOptionalAttribute(writer, "voice", _voice);
        TwimlText.WriteOptionalAttribute(writer, "language", _language);
        TwimlText.WriteOptionalAttribute(writer, "loop", _loop);

        // Basic voices (and the unknown account default) take no SSML: speak the text alone (FACTS §6.2).
        if (TwilioVoices.SupportsSsml(_voice))
        {
            foreach (var node in _content)
            {
                node.Write(writer);
            }
        }
        else
        {
            var text = new StringBuilder();
            foreach (var node in _content)
            {
                node.AppendPlainText(text);
            }

            writer.WriteString(TwimlText.Clean(text.ToString()));
        }

        writer.WriteEndElement();
    }

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex LanguageTag();
}

internal sealed partial class PlayVerb : TwimlVerb
{
    private readonly string? _url;
    private readonly int? _loop;
    private readonly string? _digits;

    internal PlayVerb(string? url, int? loop, string? digits)
    {
        if (string.IsNullOrWhiteSpace(url) == string.IsNullOrEmpty(digits))
        {
            throw new ArgumentException("Play needs exactly one of an audio URL or DTMF digits.", nameof(url));
        }

        if (digits is not null && !Digits().IsMatch(digits))
        {
            throw new ArgumentException("Play digits may only contain 0-9, *, #, A-D and w.", nameof(digits));
        }

        Verbs.EnsureNonNegative(loop, nameof(loop));
        _url = url;
        _loop = loop;
        _digits = digits;
    }

    internal override void Write(XmlWriter writer)
    {
        writer.WriteStartElement("Play");
        TwimlText.WriteOptionalAttribute(writer, "loop", _loop);
        TwimlText.WriteOptionalAttribute(writer, "digits", _digits);
        if (_url is not null)
        {
            writer.WriteString(TwimlText.Clean(_url));
        }

        writer.WriteEndElement();
    }

    [GeneratedRegex("^[0-9*#A-Dw]+$")]
    private static partial Regex Digits();
}

internal sealed class PauseVerb : TwimlVerb
{
    private readonly int? _length;

    internal PauseVerb(int? length)
    {
        if (length is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "Pause length is a positive number of seconds.");
        }

        _length = length;
    }

    internal override void Write(XmlWriter writer)
    {
        writer.WriteStartElement("Pause");
        TwimlText.WriteOptionalAttribute(writer, "length", _length);
        writer.WriteEndElement();
    }
}

internal sealed class HangupVerb : TwimlVerb
{
    internal override void Write(XmlWriter writer)
    {
        writer.WriteStartElement("Hangup");
        writer.WriteEndElement();
    }
}

internal sealed class RedirectVerb : TwimlVerb
{
    private readonly string _url;
    private readonly string? _method;

    internal RedirectVerb(string url, string? method)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        Verbs.EnsureMethod(method, nameof(method));
        _url = url;
        _method = method;
    }

    internal override void Write(XmlWriter writer)
    {
        writer.WriteStartElement("Redirect");
        TwimlText.WriteOptionalAttribute(writer, "method", _method);
        writer.WriteString(TwimlText.Clean(_url));
        writer.WriteEndElement();
    }
}

internal sealed class GatherVerb : TwimlVerb
{
    private readonly GatherOptions _options;
    private readonly IReadOnlyList<TwimlVerb> _nested;

    internal GatherVerb(GatherOptions options, IReadOnlyList<TwimlVerb> nested)
    {
        options.Validate();
        _options = options;
        _nested = nested;
    }

    internal override void Write(XmlWriter writer)
    {
        writer.WriteStartElement("Gather");
        TwimlText.WriteOptionalAttribute(writer, "action", _options.Action);
        TwimlText.WriteOptionalAttribute(writer, "method", _options.Method);
        TwimlText.WriteOptionalAttribute(writer, "timeout", _options.Timeout);
        TwimlText.WriteOptionalAttribute(writer, "numDigits", _options.NumDigits);
        TwimlText.WriteOptionalAttribute(writer, "input", _options.Input);
        TwimlText.WriteOptionalAttribute(writer, "finishOnKey", _options.FinishOnKey);
        foreach (var verb in _nested)
        {
            verb.Write(writer);
        }

        writer.WriteEndElement();
    }
}

internal sealed class MessageVerb : TwimlVerb
{
    private readonly string _text;

    internal MessageVerb(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _text = text;
    }

    internal override void Write(XmlWriter writer)
    {
        writer.WriteStartElement("Message");
        writer.WriteString(TwimlText.Clean(_text));
        writer.WriteEndElement();
    }
}

internal static class Verbs
{
    internal static void EnsureNonNegative(int? value, string name)
    {
        if (value is < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must not be negative.");
        }
    }

    internal static void EnsureMethod(string? method, string name)
    {
        if (method is not null and not "GET" and not "POST")
        {
            throw new ArgumentException($"Method must be GET or POST, not '{method}'.", name);
        }
    }

    internal static void WriteResponse(XmlWriter writer, IEnumerable<TwimlVerb> verbs)
    {
        writer.WriteStartElement("Response");
        foreach (var verb in verbs)
        {
            verb.Write(writer);
        }

        writer.WriteEndElement();
    }
}

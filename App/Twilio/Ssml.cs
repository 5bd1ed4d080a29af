using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace App.Twilio;

/// <summary>
/// A node of the small SSML tree that can go inside <c>&lt;Say&gt;</c>. Build nodes with <see cref="Ssml"/>.
/// All text is written as XML text nodes by <see cref="VoiceResponse"/>, so values are escaped, never interpreted.
/// </summary>
public abstract class SsmlNode
{
    private protected SsmlNode()
    {
    }

    internal abstract void Write(XmlWriter writer);

    /// <summary>The spoken text alone, for voices that take no SSML (Basic man/woman).</summary>
    internal abstract void AppendPlainText(StringBuilder builder);
}

public sealed class SsmlText : SsmlNode
{
    internal SsmlText(string text) => Text = text;

    public string Text { get; }

    internal override void Write(XmlWriter writer) => writer.WriteString(TwimlText.Clean(Text));

    internal override void AppendPlainText(StringBuilder builder) => builder.Append(Text);
}

public sealed class SsmlProsody : SsmlNode
{
    internal SsmlProsody(string? rate, string? pitch, string? volume, IReadOnlyList<SsmlNode> children)
    {
        Rate = rate;
        Pitch = pitch;
        Volume = volume;
        Children = children;
    }

    public string? Rate { get; }
    public string? Pitch { get; }
    public string? Volume { get; }
    public IReadOnlyList<SsmlNode> Children { get; }

    internal override void Write(XmlWriter writer)
    {
        writer.WriteStartElement("prosody");
        TwimlText.WriteOptionalAttribute(writer, "rate", Rate);
        TwimlText.WriteOptionalAttribute(writer, "pitch", Pitch);
        TwimlText.WriteOptionalAttribute(writer, "volume", Volume);
        foreach (var child in Children)
        {
            child.Write(writer);
        }

        writer.WriteEndElement();
    }

    internal override void AppendPlainText(StringBuilder builder)
    {
        foreach (var child in Children)
        {
            child.AppendPlainText(builder);
        }
    }
}

public sealed class SsmlBreak : SsmlNode
{
    internal SsmlBreak(string? time, string? strength)
    {
        Time = time;
        Strength = strength;
    }

    public string? Time { get; }
    public string? Strength { get; }

    internal override void Write(XmlWriter writer)
    {
        writer.WriteStartElement("break");
        TwimlText.WriteOptionalAttribute(writer, "strength", Strength);
        TwimlText.WriteOptionalAttribute(writer, "time", Time);
        writer.WriteEndElement();
    }

    // Without SSML a break can only become a word boundary.
    internal override void AppendPlainText(StringBuilder builder)
    {
        if (builder.Length > 0 && !char.IsWhiteSpace(builder[^1]))
        {
            builder.Append(' ');
        }
    }
}

public sealed class SsmlSayAs : SsmlNode
{
    internal SsmlSayAs(string interpretAs, string? format, string text)
    {
        InterpretAs = interpretAs;
        Format = format;
        Text = text;
    }

    public string InterpretAs { get; }
    public string? Format { get; }
    public string Text { get; }

    internal override void Write(XmlWriter writer)
    {
        writer.WriteStartElement("say-as");
        writer.WriteAttributeString("interpret-as", InterpretAs);
        TwimlText.WriteOptionalAttribute(writer, "format", Format);
        writer.WriteString(TwimlText.Clean(Text));
        writer.WriteEndElement();
    }

    internal override void AppendPlainText(StringBuilder builder) => builder.Append(Text);
}

/// <summary>Factories for <see cref="SsmlNode"/>; attribute values are checked against the values Twilio documents (FACTS §6.2).</summary>
public static partial class Ssml
{
    public static readonly IReadOnlySet<string> BreakStrengths =
        new HashSet<string>(["none", "x-weak", "weak", "medium", "strong", "x-strong"], StringComparer.Ordinal);

    public static readonly IReadOnlySet<string> SayAsInterpretations = new HashSet<string>(
        ["characters", "spell-out", "cardinal", "number", "ordinal", "digits", "fraction", "unit", "date", "time", "address", "expletive", "telephone"],
        StringComparer.Ordinal);

    public static readonly IReadOnlySet<string> SayAsFormats =
        new HashSet<string>(["mdy", "dmy", "ymd", "md", "dm", "ym", "my", "d", "m", "y", "yyyymmdd"], StringComparer.Ordinal);

    public static readonly IReadOnlySet<string> ProsodyPitches =
        new HashSet<string>(["default", "x-low", "low", "medium", "high", "x-high"], StringComparer.Ordinal);

    public static readonly IReadOnlySet<string> ProsodyVolumes =
        new HashSet<string>(["default", "silent", "x-soft", "soft", "medium", "loud", "x-loud"], StringComparer.Ordinal);

    public static SsmlNode Text(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new SsmlText(text);
    }

    /// <param name="rate">x-slow | slow | medium | fast | x-fast | n% (see <see cref="TwilioVoices.IsValidProsodyRate"/>).</param>
    public static SsmlNode Prosody(string? rate, params IReadOnlyList<SsmlNode> children) =>
        Prosody(rate, pitch: null, volume: null, children);

    public static SsmlNode Prosody(string? rate, string? pitch, string? volume, IReadOnlyList<SsmlNode> children)
    {
        ArgumentNullException.ThrowIfNull(children);
        if (rate is not null && !TwilioVoices.IsValidProsodyRate(rate))
        {
            throw new ArgumentException($"Unknown prosody rate '{rate}'.", nameof(rate));
        }

        if (pitch is not null && !ProsodyPitches.Contains(pitch) && !RelativePercent().IsMatch(pitch))
        {
            throw new ArgumentException($"Unknown prosody pitch '{pitch}'.", nameof(pitch));
        }

        if (volume is not null && !ProsodyVolumes.Contains(volume) && !RelativeDecibels().IsMatch(volume))
        {
            throw new ArgumentException($"Unknown prosody volume '{volume}'.", nameof(volume));
        }

        if (children.Any(c => c is null))
        {
            throw new ArgumentException("Prosody children must not be null.", nameof(children));
        }

        return new SsmlProsody(rate, pitch, volume, [.. children]);
    }

    /// <param name="time">A duration such as <c>500ms</c> or <c>2s</c>.</param>
    /// <param name="strength">none | x-weak | weak | medium | strong | x-strong.</param>
    public static SsmlNode Break(string? time = null, string? strength = null)
    {
        if (time is not null && !BreakTime().IsMatch(time))
        {
            throw new ArgumentException($"Break time must look like 500ms or 2s, not '{time}'.", nameof(time));
        }

        if (strength is not null && !BreakStrengths.Contains(strength))
        {
            throw new ArgumentException($"Unknown break strength '{strength}'.", nameof(strength));
        }

        return new SsmlBreak(time, strength);
    }

    public static SsmlNode SayAs(string interpretAs, string? format, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!SayAsInterpretations.Contains(interpretAs))
        {
            throw new ArgumentException($"Unknown say-as interpret-as '{interpretAs}'.", nameof(interpretAs));
        }

        if (format is not null && !SayAsFormats.Contains(format))
        {
            throw new ArgumentException($"Unknown say-as format '{format}'.", nameof(format));
        }

        return new SsmlSayAs(interpretAs, format, text);
    }

    internal static bool IsValidBreakTime(string value) => BreakTime().IsMatch(value);

    [GeneratedRegex(@"^[0-9]{1,5}(ms|s)$")]
    private static partial Regex BreakTime();

    [GeneratedRegex(@"^[+-][0-9]{1,3}(\.[0-9]+)?%$")]
    private static partial Regex RelativePercent();

    [GeneratedRegex(@"^[+-][0-9]{1,2}(\.[0-9]+)?dB$")]
    private static partial Regex RelativeDecibels();
}

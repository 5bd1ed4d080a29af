namespace App.Twilio;

/// <summary>
/// Builds a voice TwiML document. Every value is written through <see cref="System.Xml.XmlWriter"/>, so text such as
/// <c>&lt;b&gt;&amp;</c> is escaped, never interpreted. Values are checked as verbs are added (an invalid argument
/// throws <see cref="ArgumentException"/>), so the written document only uses verbs and attributes Twilio knows.
/// </summary>
/// <example><code>
/// var xml = new VoiceResponse()
///     .Say([Ssml.Prosody("slow", Ssml.Text("Hello"))], voice: "Polly.Joanna", language: "en-US")
///     .Gather(new GatherOptions { Action = "/ivr", NumDigits = 1 }, g => g.Say("Press 1"))
///     .Hangup()
///     .ToXml();
/// </code></example>
public sealed class VoiceResponse
{
    private readonly List<TwimlVerb> _verbs = [];

    /// <summary><c>&lt;Say&gt;</c> with plain text. <c>Say</c> has no <c>rate</c> attribute: use SSML prosody for speed.</summary>
    /// <param name="voice">man, woman, Polly.*, Google.*, or null for the account default; <c>alice</c> throws.</param>
    public VoiceResponse Say(string text, string? voice = null, string? language = null, int? loop = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Add(new SayVerb([Ssml.Text(text)], voice, language, loop));
    }

    /// <summary>
    /// <c>&lt;Say&gt;</c> with SSML content. The SSML is written only for voices that support it
    /// (<see cref="TwilioVoices.SupportsSsml"/>); for Basic voices and the account default (<paramref name="voice"/> null)
    /// only the text is written, wrappers dropped.
    /// </summary>
    public VoiceResponse Say(IReadOnlyList<SsmlNode> content, string? voice = null, string? language = null, int? loop = null) =>
        Add(new SayVerb(content, voice, language, loop));

    /// <summary><c>&lt;Play&gt;</c>: exactly one of an audio <paramref name="url"/> or DTMF <paramref name="digits"/>.</summary>
    public VoiceResponse Play(string? url = null, int? loop = null, string? digits = null) => Add(new PlayVerb(url, loop, digits));

    public VoiceResponse Pause(int? length = null) => Add(new PauseVerb(length));

    /// <summary><c>&lt;Gather&gt;</c> with nested Say/Play/Pause added through <paramref name="content"/>.</summary>
    public VoiceResponse Gather(GatherOptions? options = null, Action<GatherContent>? content = null)
    {
        var nested = new GatherContent();
        content?.Invoke(nested);
        return Add(new GatherVerb(options ?? new GatherOptions(), nested.Verbs));
    }

    public VoiceResponse Hangup() => Add(new HangupVerb());

    public VoiceResponse Redirect(string url, string? method = null) => Add(new RedirectVerb(url, method));

    public string ToXml() => TwimlText.WriteDocument(writer => Verbs.WriteResponse(writer, _verbs));

    public override string ToString() => ToXml();

    private VoiceResponse Add(TwimlVerb verb)
    {
        _verbs.Add(verb);
        return this;
    }
}

/// <summary>The verbs that may be nested in <c>&lt;Gather&gt;</c>.</summary>
public sealed class GatherContent
{
    internal List<TwimlVerb> Verbs { get; } = [];

    public GatherContent Say(string text, string? voice = null, string? language = null, int? loop = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        Verbs.Add(new SayVerb([Ssml.Text(text)], voice, language, loop));
        return this;
    }

    public GatherContent Say(IReadOnlyList<SsmlNode> content, string? voice = null, string? language = null, int? loop = null)
    {
        Verbs.Add(new SayVerb(content, voice, language, loop));
        return this;
    }

    public GatherContent Play(string? url = null, int? loop = null, string? digits = null)
    {
        Verbs.Add(new PlayVerb(url, loop, digits));
        return this;
    }

    public GatherContent Pause(int? length = null)
    {
        Verbs.Add(new PauseVerb(length));
        return this;
    }
}

/// <summary>Attributes of <c>&lt;Gather&gt;</c>; null leaves Twilio's default (FACTS §6.3).</summary>
public sealed record GatherOptions
{
    /// <summary>URL Twilio posts the result to; defaults to the current document URL.</summary>
    public string? Action { get; init; }

    /// <summary>GET or POST (default POST).</summary>
    public string? Method { get; init; }

    /// <summary>Seconds to wait for input (default 5).</summary>
    public int? Timeout { get; init; }

    public int? NumDigits { get; init; }

    /// <summary>dtmf (default), speech, or "dtmf speech".</summary>
    public string? Input { get; init; }

    /// <summary>One of 0-9, * or # (default #); an empty string disables it.</summary>
    public string? FinishOnKey { get; init; }

    internal void Validate()
    {
        App.Twilio.Verbs.EnsureMethod(Method, nameof(Method));
        if (Timeout is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "Gather timeout is a positive number of seconds.");
        }

        if (NumDigits is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(NumDigits), NumDigits, "numDigits must be positive.");
        }

        if (Input is not null and not "dtmf" and not "speech" and not "dtmf speech" and not "speech dtmf")
        {
            throw new ArgumentException($"Gather input must be dtmf, speech or \"dtmf speech\", not '{Input}'.", nameof(Input));
        }

        if (FinishOnKey is { Length: > 1 } || (FinishOnKey is { Length: 1 } key && !"0123456789*#".Contains(key[0], StringComparison.Ordinal)))
        {
            throw new ArgumentException("finishOnKey is one of 0-9, * or #, or empty.", nameof(FinishOnKey));
        }

        if (Action is { Length: 0 })
        {
            throw new ArgumentException("Gather action must not be empty; leave it null for the current document.", nameof(Action));
        }
    }
}

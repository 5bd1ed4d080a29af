using Twilio.Rest.Api.V2010.Account;
using SdkHttpMethod = global::Twilio.Http.HttpMethod;

// Ours: the SDK sends whatever it is given; these are the checks Twilio would make, or silently skip.
namespace App.Twilio;

/// <summary>Values Twilio accepts for <c>StatusCallbackEvent</c> on a call (spec enum <c>call_enum_event</c>).</summary>
public static class TwilioCallEvents
{
    public const string Initiated = "initiated";
    public const string Ringing = "ringing";
    public const string Answered = "answered";
    public const string Completed = "completed";

    public static IReadOnlyList<string> All { get; } = [Initiated, Ringing, Answered, Completed];
}

/// <summary>
/// What Twilio refuses (or, for a call given both Url and Twiml, silently ignores) is refused before a request leaves, with an <see cref="ArgumentException"/> naming the option, so a doomed
/// send fails at once with a clear reason (see docs/twilio.md, "REST resources" and "Limits").
/// </summary>
public static class TwilioRequestRules
{
    /// <summary>A message body longer than this is refused by Twilio with 21617.</summary>
    public const int MaxBodyLength = 1600;

    public const int MaxMediaUrls = 10;

    /// <summary>Inline <c>Twiml</c> on a call is limited to this many characters.</summary>
    public const int MaxTwimlLength = 4000;

    /// <summary>From or MessagingServiceSid; a Body, media or a content template; Body and media within Twilio's limits.</summary>
    public static void Check(CreateMessageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Required(options.To?.ToString(), nameof(options.To));
        if (string.IsNullOrWhiteSpace(options.From?.ToString()) && string.IsNullOrWhiteSpace(options.MessagingServiceSid))
        {
            throw new ArgumentException("A message needs From or MessagingServiceSid.", nameof(options));
        }

        var media = options.MediaUrl ?? [];
        if (string.IsNullOrEmpty(options.Body) && media.Count == 0 && string.IsNullOrEmpty(options.ContentSid))
        {
            throw new ArgumentException("A message needs a Body or at least one media URL.", nameof(options));
        }

        if (options.Body is { Length: > MaxBodyLength })
        {
            throw new ArgumentException($"Body is limited to {MaxBodyLength} characters.", nameof(options));
        }

        if (media.Count > MaxMediaUrls)
        {
            throw new ArgumentException($"At most {MaxMediaUrls} media URLs.", nameof(options));
        }

        foreach (var url in media) CallbackUrl(url, "MediaUrl");
        if (options.ValidityPeriod is < 1 or > 36000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ValidityPeriod, "ValidityPeriod is 1 to 36000 seconds.");
        }

        CallbackUrl(options.StatusCallback, nameof(options.StatusCallback));
    }

    /// <summary>
    /// Exactly one of Url or Twiml (Twilio silently ignores Twiml when both are sent), Twiml within its limit, methods
    /// GET/POST, events from <see cref="TwilioCallEvents"/>, Timeout 1–600, MachineDetection Enable/DetectMessageEnd.
    /// </summary>
    public static void Check(CreateCallOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Required(options.To?.ToString(), nameof(options.To));
        Required(options.From?.ToString(), nameof(options.From));
        var twiml = options.Twiml?.ToString();
        if ((options.Url is null) == string.IsNullOrWhiteSpace(twiml))
        {
            throw new ArgumentException("A call needs exactly one of Url or Twiml.", nameof(options));
        }

        if (twiml is { Length: > MaxTwimlLength })
        {
            throw new ArgumentException($"Inline Twiml is limited to {MaxTwimlLength} characters.", nameof(options));
        }

        Method(options.Method, nameof(options.Method));
        Method(options.StatusCallbackMethod, nameof(options.StatusCallbackMethod));
        var unknown = (options.StatusCallbackEvent ?? []).FirstOrDefault(e => !TwilioCallEvents.All.Contains(e, StringComparer.Ordinal));
        if (unknown is not null)
        {
            throw new ArgumentException($"Unknown status callback event '{unknown}'.", nameof(options));
        }

        if (options.Timeout is < 1 or > 600)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Timeout, "Timeout is 1 to 600 seconds.");
        }

        if (options.MachineDetection is not null and not "Enable" and not "DetectMessageEnd")
        {
            throw new ArgumentException("MachineDetection is Enable or DetectMessageEnd.", nameof(options));
        }

        CallbackUrl(options.Url, nameof(options.Url));
        CallbackUrl(options.StatusCallback, nameof(options.StatusCallback));
    }

    private static void Required(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{name} is required.", name);
        }
    }

    private static void Method(SdkHttpMethod? method, string name)
    {
        if (method is not null && !Equals(method, SdkHttpMethod.Get) && !Equals(method, SdkHttpMethod.Post))
        {
            throw new ArgumentException($"{name} must be GET or POST.", name);
        }
    }

    /// <summary>An absolute http(s) URL whose host has no underscore (Twilio rejects those with 21609).</summary>
    private static void CallbackUrl(Uri? url, string name)
    {
        if (url is null)
        {
            return;
        }

        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"{name} must be an absolute http(s) URL.", name);
        }

        if (url.Host.Contains('_', StringComparison.Ordinal))
        {
            throw new ArgumentException($"{name} host must not contain '_' (Twilio error 21609).", name);
        }
    }
}

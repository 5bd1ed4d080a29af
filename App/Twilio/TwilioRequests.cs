using System.Globalization;

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
/// <c>POST /2010-04-01/Accounts/{AccountSid}/Messages.json</c> (FACTS §1.1). Checked before sending: From or
/// MessagingServiceSid, Body or MediaUrls (at most 10), ValidityPeriod 1–36000, Body at most 1,600 characters.
/// </summary>
public sealed record CreateMessageRequest(
    string To,
    string? From = null,
    string? MessagingServiceSid = null,
    string? Body = null,
    IReadOnlyList<string>? MediaUrls = null,
    string? StatusCallback = null,
    int? ValidityPeriod = null,
    bool? SmartEncoded = null)
{
    public const int MaxBodyLength = 1600;
    public const int MaxMediaUrls = 10;

    internal List<KeyValuePair<string, string>> ToForm()
    {
        FormRules.Required(To, nameof(To));
        if (string.IsNullOrWhiteSpace(From) && string.IsNullOrWhiteSpace(MessagingServiceSid))
        {
            throw new ArgumentException("A message needs From or MessagingServiceSid.", nameof(From));
        }

        var media = MediaUrls ?? [];
        if (string.IsNullOrEmpty(Body) && media.Count == 0)
        {
            throw new ArgumentException("A message needs a Body or at least one media URL.", nameof(Body));
        }

        if (Body is { Length: > MaxBodyLength })
        {
            throw new ArgumentException($"Body is limited to {MaxBodyLength} characters.", nameof(Body));
        }

        if (media.Count > MaxMediaUrls || media.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException($"At most {MaxMediaUrls} non-empty media URLs.", nameof(MediaUrls));
        }

        if (ValidityPeriod is < 1 or > 36000)
        {
            throw new ArgumentOutOfRangeException(nameof(ValidityPeriod), ValidityPeriod, "ValidityPeriod is 1 to 36000 seconds.");
        }

        FormRules.CallbackUrl(StatusCallback, nameof(StatusCallback));

        var form = new List<KeyValuePair<string, string>> { new("To", To) };
        FormRules.Add(form, "From", From);
        FormRules.Add(form, "MessagingServiceSid", MessagingServiceSid);
        FormRules.Add(form, "Body", Body);
        form.AddRange(media.Select(url => new KeyValuePair<string, string>("MediaUrl", url)));
        FormRules.Add(form, "StatusCallback", StatusCallback);
        FormRules.Add(form, "ValidityPeriod", ValidityPeriod?.ToString(CultureInfo.InvariantCulture));
        FormRules.Add(form, "SmartEncoded", SmartEncoded is bool smart ? (smart ? "true" : "false") : null);
        return form;
    }
}

/// <summary>
/// <c>POST /2010-04-01/Accounts/{AccountSid}/Calls.json</c> (FACTS §2.1). Checked before sending: exactly one of Url or
/// Twiml (Twilio silently ignores Twiml when both are sent), Twiml at most 4,000 characters, methods GET/POST, events
/// from <see cref="TwilioCallEvents"/>, Timeout 1–600, MachineDetection Enable/DetectMessageEnd.
/// </summary>
public sealed record CreateCallRequest(
    string To,
    string From,
    string? Url = null,
    string? Method = null,
    string? Twiml = null,
    string? StatusCallback = null,
    IReadOnlyList<string>? StatusCallbackEvents = null,
    string? StatusCallbackMethod = null,
    int? Timeout = null,
    string? MachineDetection = null)
{
    public const int MaxTwimlLength = 4000;

    internal List<KeyValuePair<string, string>> ToForm()
    {
        FormRules.Required(To, nameof(To));
        FormRules.Required(From, nameof(From));
        if (string.IsNullOrWhiteSpace(Url) == string.IsNullOrWhiteSpace(Twiml))
        {
            throw new ArgumentException("A call needs exactly one of Url or Twiml.", nameof(Url));
        }

        if (Twiml is { Length: > MaxTwimlLength })
        {
            throw new ArgumentException($"Inline Twiml is limited to {MaxTwimlLength} characters.", nameof(Twiml));
        }

        FormRules.Method(Method, nameof(Method));
        FormRules.Method(StatusCallbackMethod, nameof(StatusCallbackMethod));
        var events = StatusCallbackEvents ?? [];
        var unknown = events.FirstOrDefault(e => !TwilioCallEvents.All.Contains(e, StringComparer.Ordinal));
        if (unknown is not null)
        {
            throw new ArgumentException($"Unknown status callback event '{unknown}'.", nameof(StatusCallbackEvents));
        }

        if (Timeout is < 1 or > 600)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "Timeout is 1 to 600 seconds.");
        }

        if (MachineDetection is not null and not "Enable" and not "DetectMessageEnd")
        {
            throw new ArgumentException("MachineDetection is Enable or DetectMessageEnd.", nameof(MachineDetection));
        }

        FormRules.CallbackUrl(StatusCallback, nameof(StatusCallback));

        var form = new List<KeyValuePair<string, string>> { new("To", To), new("From", From) };
        FormRules.Add(form, "Url", Url);
        FormRules.Add(form, "Method", Method);
        FormRules.Add(form, "Twiml", Twiml);
        FormRules.Add(form, "StatusCallback", StatusCallback);
        form.AddRange(events.Distinct(StringComparer.Ordinal).Select(e => new KeyValuePair<string, string>("StatusCallbackEvent", e)));
        FormRules.Add(form, "StatusCallbackMethod", StatusCallbackMethod);
        FormRules.Add(form, "Timeout", Timeout?.ToString(CultureInfo.InvariantCulture));
        FormRules.Add(form, "MachineDetection", MachineDetection);
        return form;
    }
}

/// <summary>Filters for listing messages. The dates are whole GMT days, as Twilio filters them.</summary>
/// <param name="DateSentOnOrAfter">Sent on or after this day (<c>DateSent&gt;=</c>, sent as the parameter <c>DateSent&gt;</c>).</param>
/// <param name="DateSentOnOrBefore">Sent on or before this day (<c>DateSent&lt;=</c>, sent as <c>DateSent&lt;</c>).</param>
/// <param name="PageSize">1 to 1000 items per page (Twilio's default is 50).</param>
public sealed record MessageListFilter(
    string? To = null,
    string? From = null,
    DateOnly? DateSentOnOrAfter = null,
    DateOnly? DateSentOnOrBefore = null,
    int? PageSize = null)
{
    internal List<KeyValuePair<string, string>> ToQuery()
    {
        var query = new List<KeyValuePair<string, string>>();
        FormRules.Add(query, "To", To);
        FormRules.Add(query, "From", From);
        FormRules.Add(query, "DateSent>", FormRules.Day(DateSentOnOrAfter));
        FormRules.Add(query, "DateSent<", FormRules.Day(DateSentOnOrBefore));
        FormRules.Add(query, "PageSize", FormRules.PageSize(PageSize));
        return query;
    }
}

/// <summary>Filters for listing calls; dates are whole GMT days (<c>StartTime&gt;</c> / <c>StartTime&lt;</c>).</summary>
public sealed record CallListFilter(
    string? To = null,
    string? From = null,
    DateOnly? StartTimeOnOrAfter = null,
    DateOnly? StartTimeOnOrBefore = null,
    int? PageSize = null)
{
    internal List<KeyValuePair<string, string>> ToQuery()
    {
        var query = new List<KeyValuePair<string, string>>();
        FormRules.Add(query, "To", To);
        FormRules.Add(query, "From", From);
        FormRules.Add(query, "StartTime>", FormRules.Day(StartTimeOnOrAfter));
        FormRules.Add(query, "StartTime<", FormRules.Day(StartTimeOnOrBefore));
        FormRules.Add(query, "PageSize", FormRules.PageSize(PageSize));
        return query;
    }
}

internal static class FormRules
{
    internal static void Required(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{name} is required.", name);
        }
    }

    internal static void Add(List<KeyValuePair<string, string>> form, string name, string? value)
    {
        if (value is not null)
        {
            form.Add(new(name, value));
        }
    }

    internal static void Method(string? method, string name)
    {
        if (method is not null and not "GET" and not "POST")
        {
            throw new ArgumentException($"{name} must be GET or POST.", name);
        }
    }

    /// <summary>An absolute http(s) URL whose host has no underscore (Twilio rejects those with 21609).</summary>
    internal static void CallbackUrl(string? url, string name)
    {
        if (url is null)
        {
            return;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"{name} must be an absolute http(s) URL.", name);
        }

        if (uri.Host.Contains('_', StringComparison.Ordinal))
        {
            throw new ArgumentException($"{name} host must not contain '_' (Twilio error 21609).", name);
        }
    }

    internal static string? Day(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static string? PageSize(int? size) => size switch
    {
        null => null,
        < 1 or > 1000 => throw new ArgumentOutOfRangeException(nameof(size), size, "PageSize is 1 to 1000."),
        _ => size.Value.ToString(CultureInfo.InvariantCulture),
    };
}

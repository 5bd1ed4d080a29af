using System.Globalization;
using System.Text.Json.Serialization;

namespace App.Twilio;

/// <summary>
/// A Message resource as Twilio returns it (FACTS §1.2; spec schema <c>api.v2010.account.message</c>). Numeric-looking
/// fields are strings in Twilio's JSON and stay strings here; the <c>*Value</c> helpers parse them.
/// </summary>
public sealed record TwilioMessage
{
    [JsonPropertyName("sid")] public string Sid { get; init; } = "";
    [JsonPropertyName("account_sid")] public string? AccountSid { get; init; }
    [JsonPropertyName("messaging_service_sid")] public string? MessagingServiceSid { get; init; }
    [JsonPropertyName("from")] public string? From { get; init; }
    [JsonPropertyName("to")] public string? To { get; init; }
    [JsonPropertyName("body")] public string? Body { get; init; }

    /// <summary>accepted, scheduled, queued, sending, sent, delivered, undelivered, failed, read, canceled, receiving, received...</summary>
    [JsonPropertyName("status")] public string? Status { get; init; }

    /// <summary>inbound, outbound-api, outbound-call or outbound-reply.</summary>
    [JsonPropertyName("direction")] public string? Direction { get; init; }

    /// <summary>"0" at creation for messages sent through a Messaging Service.</summary>
    [JsonPropertyName("num_segments")] public string? NumSegments { get; init; }
    [JsonPropertyName("num_media")] public string? NumMedia { get; init; }

    /// <summary>Negative for a charge, e.g. "-0.00750"; null until known.</summary>
    [JsonPropertyName("price")] public string? Price { get; init; }
    [JsonPropertyName("price_unit")] public string? PriceUnit { get; init; }
    [JsonPropertyName("error_code")] public int? ErrorCode { get; init; }
    [JsonPropertyName("error_message")] public string? ErrorMessage { get; init; }

    [JsonPropertyName("date_created"), JsonConverter(typeof(Rfc2822DateConverter))]
    public DateTimeOffset? DateCreated { get; init; }

    [JsonPropertyName("date_updated"), JsonConverter(typeof(Rfc2822DateConverter))]
    public DateTimeOffset? DateUpdated { get; init; }

    /// <summary>Null while the message is scheduled.</summary>
    [JsonPropertyName("date_sent"), JsonConverter(typeof(Rfc2822DateConverter))]
    public DateTimeOffset? DateSent { get; init; }

    [JsonPropertyName("api_version")] public string? ApiVersion { get; init; }
    [JsonPropertyName("uri")] public string? Uri { get; init; }

    [JsonIgnore] public int? NumSegmentsValue => TwilioNumbers.Int(NumSegments);
    [JsonIgnore] public int? NumMediaValue => TwilioNumbers.Int(NumMedia);
    [JsonIgnore] public decimal? PriceValue => TwilioNumbers.Decimal(Price);
}

/// <summary>A Call resource (FACTS §2.2; spec schema <c>api.v2010.account.call</c>).</summary>
public sealed record TwilioCall
{
    [JsonPropertyName("sid")] public string Sid { get; init; } = "";
    [JsonPropertyName("account_sid")] public string? AccountSid { get; init; }
    [JsonPropertyName("parent_call_sid")] public string? ParentCallSid { get; init; }
    [JsonPropertyName("to")] public string? To { get; init; }
    [JsonPropertyName("to_formatted")] public string? ToFormatted { get; init; }
    [JsonPropertyName("from")] public string? From { get; init; }
    [JsonPropertyName("from_formatted")] public string? FromFormatted { get; init; }
    [JsonPropertyName("phone_number_sid")] public string? PhoneNumberSid { get; init; }

    /// <summary>queued, ringing, in-progress, completed, busy, failed, no-answer or canceled.</summary>
    [JsonPropertyName("status")] public string? Status { get; init; }

    [JsonPropertyName("start_time"), JsonConverter(typeof(Rfc2822DateConverter))]
    public DateTimeOffset? StartTime { get; init; }

    [JsonPropertyName("end_time"), JsonConverter(typeof(Rfc2822DateConverter))]
    public DateTimeOffset? EndTime { get; init; }

    /// <summary>Seconds, as a string; empty for calls that were not answered or are ongoing.</summary>
    [JsonPropertyName("duration")] public string? Duration { get; init; }
    [JsonPropertyName("price")] public string? Price { get; init; }
    [JsonPropertyName("price_unit")] public string? PriceUnit { get; init; }

    /// <summary>inbound, outbound-api or outbound-dial.</summary>
    [JsonPropertyName("direction")] public string? Direction { get; init; }
    [JsonPropertyName("answered_by")] public string? AnsweredBy { get; init; }
    [JsonPropertyName("api_version")] public string? ApiVersion { get; init; }
    [JsonPropertyName("forwarded_from")] public string? ForwardedFrom { get; init; }
    [JsonPropertyName("group_sid")] public string? GroupSid { get; init; }
    [JsonPropertyName("caller_name")] public string? CallerName { get; init; }

    /// <summary>Milliseconds, as a string.</summary>
    [JsonPropertyName("queue_time")] public string? QueueTime { get; init; }
    [JsonPropertyName("trunk_sid")] public string? TrunkSid { get; init; }

    [JsonPropertyName("date_created"), JsonConverter(typeof(Rfc2822DateConverter))]
    public DateTimeOffset? DateCreated { get; init; }

    [JsonPropertyName("date_updated"), JsonConverter(typeof(Rfc2822DateConverter))]
    public DateTimeOffset? DateUpdated { get; init; }

    [JsonPropertyName("uri")] public string? Uri { get; init; }

    [JsonIgnore] public int? DurationValue => TwilioNumbers.Int(Duration);
    [JsonIgnore] public decimal? PriceValue => TwilioNumbers.Decimal(Price);
}

/// <summary>The items read from one or more list pages.</summary>
/// <param name="HasMore">True when Twilio reported a further page that was not fetched: the page bound was reached, or
/// its <c>next_page_uri</c> pointed to another origin (never followed with tenant credentials).</param>
public sealed record TwilioList<T>(IReadOnlyList<T> Items, bool HasMore);

/// <summary>A page of <c>GET .../Messages.json</c>.</summary>
public sealed record TwilioMessagePage
{
    [JsonPropertyName("messages")] public IReadOnlyList<TwilioMessage> Messages { get; init; } = [];
    [JsonPropertyName("next_page_uri")] public string? NextPageUri { get; init; }
    [JsonPropertyName("page")] public int Page { get; init; }
    [JsonPropertyName("page_size")] public int PageSize { get; init; }
}

/// <summary>A page of <c>GET .../Calls.json</c>.</summary>
public sealed record TwilioCallPage
{
    [JsonPropertyName("calls")] public IReadOnlyList<TwilioCall> Calls { get; init; } = [];
    [JsonPropertyName("next_page_uri")] public string? NextPageUri { get; init; }
    [JsonPropertyName("page")] public int Page { get; init; }
    [JsonPropertyName("page_size")] public int PageSize { get; init; }
}

internal static class TwilioNumbers
{
    internal static int? Int(string? value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;

    internal static decimal? Decimal(string? value) =>
        decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number) ? number : null;
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace App.Twilio.Simulator;

/// <summary>
/// A Message resource as the simulator stores and serves it (spec schema <c>api.v2010.account.message</c>).
/// Numeric-looking fields are strings in Twilio's JSON and stay strings here.
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

    [JsonIgnore]
    public int? NumSegmentsValue =>
        int.TryParse(NumSegments, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;
}

/// <summary>A Call resource as the simulator stores and serves it (spec schema <c>api.v2010.account.call</c>).</summary>
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
}

/// <summary>
/// Writes Twilio's v2010 timestamps, RFC 2822 in UTC such as <c>Thu, 24 Aug 2023 05:01:45 +0000</c>; null stays null.
/// The simulator only writes them (the SDK reads them on the client side).
/// </summary>
public sealed class Rfc2822DateConverter : JsonConverter<DateTimeOffset?>
{
    public override bool HandleNull => true;

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("The simulator only writes Twilio's dates.");

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is DateTimeOffset date)
        {
            writer.WriteStringValue(Format(date));
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    public static string Format(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss", CultureInfo.InvariantCulture) + " +0000";
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace App.Twilio.Simulator;

/// <summary>Twilio's wire format as the simulator writes it: SIDs, JSON bodies, flat error bodies.</summary>
internal static class SimulatorWire
{
    public const string ApiVersion = "2010-04-01";
    public const string ApiRoot = "/" + ApiVersion;
    public const string JsonContentType = "application/json; charset=utf-8";

    // Twilio writes '+' and non-ASCII as is; the default encoder would write \u002B.
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A SID of the given two-letter prefix: prefix + 32 lowercase hex digits (34 characters).</summary>
    public static string NewSid(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string AccountPath(string accountSid) => $"{ApiRoot}/Accounts/{accountSid}";

    public static JsonObject ToJson(TwilioMessage message) =>
        WithSubresources(message, $"{AccountPath(message.AccountSid!)}/Messages/{message.Sid}", "Media", "Feedback");

    public static JsonObject ToJson(TwilioCall call) =>
        WithSubresources(call, $"{AccountPath(call.AccountSid!)}/Calls/{call.Sid}", "Notifications", "Recordings", "Payments", "Events", "Siprec",
            "Streams", "Transcriptions", "UserDefinedMessageSubscriptions", "UserDefinedMessages");

    /// <summary>The resource's JSON with <c>subresource_uris</c>: {"user_defined_messages": ".../UserDefinedMessages.json", ...}.</summary>
    private static JsonObject WithSubresources(object resource, string root, params string[] subresources)
    {
        var json = JsonSerializer.SerializeToNode(resource, Options)!.AsObject();
        var uris = new JsonObject();
        foreach (var name in subresources) uris[JsonNamingPolicy.SnakeCaseLower.ConvertName(name)] = $"{root}/{name}.json";
        json["subresource_uris"] = uris;
        return json;
    }

    public static IResult Json(JsonNode body, int status) =>
        Results.Content(body.ToJsonString(Options), JsonContentType, Encoding.UTF8, status);

    /// <summary>Twilio's flat 2010 error body (see docs/twilio.md, "Errors and what is safe to retry").</summary>
    public static IResult Error(int status, int code, string message) => Json(new JsonObject
    {
        ["code"] = code,
        ["message"] = message,
        ["more_info"] = $"https://www.twilio.com/docs/errors/{code}",
        ["status"] = status,
    }, status);

    public static IResult BadRequest(int code, string message) => Error(StatusCodes.Status400BadRequest, code, message);

    public static IResult NotFound(string path) =>
        Error(StatusCodes.Status404NotFound, 20404, $"The requested resource {path} was not found");

    /// <summary>E.164: '+', a non-zero digit, 7–15 digits in all.</summary>
    public static bool IsPhoneNumber(string value) =>
        value.Length is >= 8 and <= 16 && value[0] == '+' && value[1] is >= '1' and <= '9' && value.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;

    /// <summary>
    /// A message sender: a phone number, an alphanumeric sender ID (1–11 letters, digits and spaces, at least one
    /// letter), a short code (5 or 6 digits) or a channel address.
    /// </summary>
    public static bool IsMessageSender(string value) =>
        IsPhoneNumber(value)
        || (value.Length is >= 1 and <= 11 && value.Any(char.IsAsciiLetter) && value.All(c => char.IsAsciiLetterOrDigit(c) || c == ' '))
        || (value.Length is 5 or 6 && value.All(char.IsAsciiDigit))
        || IsChannelAddress(value);

    /// <summary>A message recipient: a phone number or a channel address such as <c>whatsapp:+1...</c>.</summary>
    public static bool IsMessageRecipient(string value) => IsPhoneNumber(value) || IsChannelAddress(value);

    /// <summary>A call party: a phone number, <c>client:name</c> or a <c>sip:</c> address.</summary>
    public static bool IsCallParty(string value) =>
        IsPhoneNumber(value) || value.StartsWith("client:", StringComparison.Ordinal) && value.Length > 7 || value.StartsWith("sip:", StringComparison.Ordinal) && value.Contains('@', StringComparison.Ordinal);

    /// <summary>An absolute http(s) URL, at most 4,000 characters, whose host has no underscore (21609).</summary>
    public static bool IsCallbackUrl(string value) =>
        value.Length <= 4000 && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !uri.Host.Contains('_', StringComparison.Ordinal);

    public static string Money(decimal value, int decimals) =>
        value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static bool IsChannelAddress(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && value[..colon] is "whatsapp" or "messenger" or "rcs" && value.Length > colon + 1;
    }
}

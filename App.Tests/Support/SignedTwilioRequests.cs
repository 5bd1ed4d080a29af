using App.Twilio;
using App.Twilio.Simulator;

namespace App.Tests.Support;

/// <summary>Requests as Twilio sends them: form bodies signed with the tenant's (simulated) auth token.</summary>
public static class SignedTwilioRequests
{
    public static string AuthToken(AppFactory factory, string tenantId) => factory.Service<SimulatedAccounts>().AuthTokenFor(tenantId);

    public static Task<HttpResponseMessage> PostAsync(AppFactory factory, HttpClient client, string tenantId, string pathAndQuery,
        IReadOnlyList<KeyValuePair<string, string>> parameters, string? signatureOverride = null, bool sign = true)
    {
        var baseUrl = client.BaseAddress!.ToString().TrimEnd('/');
        var request = new HttpRequestMessage(HttpMethod.Post, pathAndQuery) { Content = new FormUrlEncodedContent(parameters) };
        if (sign)
        {
            request.Headers.Add(TwilioSignature.HeaderName,
                signatureOverride ?? TwilioSignature.Compute(baseUrl + pathAndQuery, parameters, AuthToken(factory, tenantId)));
        }

        return client.SendAsync(request);
    }

    public static IReadOnlyList<KeyValuePair<string, string>> MessageStatus(string messageSid, string status, string to = "+14155552671",
        string from = "+15005550006", int? errorCode = null)
    {
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("AccountSid", "AC00000000000000000000000000000001"), new("ApiVersion", "2010-04-01"),
            new("From", from), new("To", to), new("MessageSid", messageSid), new("SmsSid", messageSid),
            new("MessageStatus", status), new("SmsStatus", status),
        };
        if (errorCode is not null) parameters.Add(new("ErrorCode", errorCode.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return parameters;
    }

    public static IReadOnlyList<KeyValuePair<string, string>> InboundMessage(string messageSid, string from, string body, string to = "+15005550006") =>
    [
        new("AccountSid", "AC00000000000000000000000000000001"), new("ApiVersion", "2010-04-01"), new("Body", body),
        new("From", from), new("To", to), new("MessageSid", messageSid), new("SmsMessageSid", messageSid), new("SmsSid", messageSid),
        new("NumMedia", "0"), new("NumSegments", "1"), new("SmsStatus", "received"),
    ];

    public static IReadOnlyList<KeyValuePair<string, string>> CallStatus(string callSid, string status, int sequence,
        string direction = "outbound-api", string from = "+15005550006", string to = "+14155552671", int? duration = null)
    {
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("AccountSid", "AC00000000000000000000000000000001"), new("ApiVersion", "2010-04-01"), new("CallSid", callSid),
            new("CallStatus", status), new("Direction", direction), new("From", from), new("To", to), new("Caller", from), new("Called", to),
            new("CallbackSource", "call-progress-events"), new("SequenceNumber", sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (duration is not null) parameters.Add(new("CallDuration", duration.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return parameters;
    }
}

using System.Security.Claims;
using App.Infrastructure.Hosting;

namespace App.Twilio.Simulator;

/// <summary>
/// Test hooks that play Twilio sending traffic to the app (simulation only; the tenant's own API key or token is
/// required, another tenant's id answers 404): an inbound SMS or an inbound call, posted as a signed webhook
/// (see docs/twilio.md, "Status callbacks") to <c>/webhooks/twilio/{tenant_id}/sms</c> or <c>/voice</c>, answering with what the app replied.
/// </summary>
public static class InboundHooks
{
    public sealed record InboundSmsRequest(string? From, string? Body, string? To);

    public sealed record InboundCallRequest(string? From, string? To);

    public sealed record InboundSmsResponse(string MessageSid, int? WebhookStatus, string? WebhookContentType, string WebhookBody, string? WebhookError);

    /// <param name="Twiml">The body the app answered with.</param>
    /// <param name="TwimlErrorCode">12100/12200 when the answer is not valid voice TwiML (as Twilio would report it).</param>
    public sealed record InboundCallResponse(
        string CallSid, int? WebhookStatus, string? WebhookContentType, string Twiml, bool TwimlValid, int? TwimlErrorCode, string? TwimlError, string? WebhookError);

    public static async Task<IResult> SmsAsync(
        string tenantId, InboundSmsRequest request, ClaimsPrincipal user, TwilioAccounts twilioAccounts, SimulatedAccounts accounts,
        SimulatorLedger ledger, SimulatorHttp http, PublicUrls urls, Microsoft.Extensions.Options.IOptions<SimulatorOptions> options, CancellationToken cancellationToken)
    {
        var account = await FindAsync(tenantId, user, twilioAccounts, cancellationToken);
        if (account is null) return Api.NotFound("tenant");

        var errors = new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(request.From) || !SimulatorWire.IsPhoneNumber(request.From.Trim())) errors["from"] = "An E.164 phone number such as +14155552671 is required.";
        if (request.Body is null) errors["body"] = "The message text is required.";
        else if (request.Body.Length > TwilioRequestRules.MaxBodyLength) errors["body"] = $"At most {TwilioRequestRules.MaxBodyLength} characters.";
        if (request.To is not null && !SimulatorWire.IsMessageSender(request.To.Trim())) errors["to"] = "A phone number of the tenant, such as +15005550006.";
        if (errors.Count > 0) return Api.Error(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError, "The simulated message is not valid.", errors);

        var credentials = accounts.CredentialsFor(tenantId);
        var from = request.From!.Trim();
        var to = request.To?.Trim() ?? account.FromNumber ?? SimulatedAccounts.DefaultFromNumber;
        var body = request.Body!;
        var sid = SimulatorWire.NewSid("SM");
        var segments = SimulatorWire.Number(SmsSegments.Count(body).Segments);
        var now = DateTimeOffset.UtcNow;
        ledger.AddMessage(new TwilioMessage
        {
            Sid = sid,
            AccountSid = credentials.AccountSid,
            From = from,
            To = to,
            Body = body,
            Status = "received",
            Direction = "inbound",
            NumSegments = segments,
            NumMedia = "0",
            // Twilio charges received messages per segment as well.
            Price = options.Value.SmsPrice(SmsSegments.Count(body).Segments),
            PriceUnit = "USD",
            DateCreated = now,
            DateUpdated = now,
            DateSent = now,
            ApiVersion = SimulatorWire.ApiVersion,
            Uri = SimulatedMessages.Resource.Uri(credentials.AccountSid, sid),
        }, countAsCreated: false);

        List<KeyValuePair<string, string>> fields =
        [
            new("AccountSid", credentials.AccountSid),
            new("ApiVersion", SimulatorWire.ApiVersion),
            new("Body", body),
            new("From", from),
            new("MessageSid", sid),
            new("NumMedia", "0"),
            new("NumSegments", segments),
            new("ReferralNumMedia", "0"),
            new("SmsMessageSid", sid),
            new("SmsSid", sid),
            new("SmsStatus", "received"),
            new("To", to),
        ];
        var response = await http.SendSignedAsync("inbound-sms", urls.For($"/webhooks/twilio/{Uri.EscapeDataString(tenantId)}/sms"), "POST",
            fields, credentials.Secret, cancellationToken);
        return Results.Ok(new InboundSmsResponse(sid, response.Status, response.ContentType, response.Body, response.Error));
    }

    public static async Task<IResult> CallAsync(
        string tenantId, InboundCallRequest request, ClaimsPrincipal user, TwilioAccounts twilioAccounts, SimulatedAccounts accounts,
        SimulatorHttp http, PublicUrls urls, CancellationToken cancellationToken)
    {
        var account = await FindAsync(tenantId, user, twilioAccounts, cancellationToken);
        if (account is null) return Api.NotFound("tenant");

        var errors = new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(request.From) || !SimulatorWire.IsPhoneNumber(request.From.Trim())) errors["from"] = "An E.164 phone number such as +14155552671 is required.";
        if (request.To is not null && !SimulatorWire.IsPhoneNumber(request.To.Trim())) errors["to"] = "A phone number of the tenant, such as +15005550006.";
        if (errors.Count > 0) return Api.Error(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError, "The simulated call is not valid.", errors);

        var credentials = accounts.CredentialsFor(tenantId);
        var from = request.From!.Trim();
        var to = request.To?.Trim() ?? account.FromNumber ?? SimulatedAccounts.DefaultFromNumber;
        var sid = SimulatorWire.NewSid("CA");
        List<KeyValuePair<string, string>> fields =
        [
            new("AccountSid", credentials.AccountSid),
            new("ApiVersion", SimulatorWire.ApiVersion),
            new("CallSid", sid),
            new("CallStatus", "ringing"),
            new("Called", to),
            new("Caller", from),
            new("Direction", "inbound"),
            new("From", from),
            new("To", to),
        ];
        var response = await http.SendSignedAsync("inbound-call", urls.For($"/webhooks/twilio/{Uri.EscapeDataString(tenantId)}/voice"), "POST",
            fields, credentials.Secret, cancellationToken);
        var validation = response.IsSuccess ? TwimlDocument.Validate(response.Body, TwimlKind.Voice) : null;
        return Results.Ok(new InboundCallResponse(
            sid, response.Status, response.ContentType, response.Body, validation?.IsValid ?? false, validation?.ErrorCode, validation?.Error, response.Error));
    }

    /// <summary>The tenant, when the caller is that tenant; null (→ 404) for another tenant's id or a missing tenant.</summary>
    private static async Task<TwilioAccounts.Account?> FindAsync(
        string tenantId, ClaimsPrincipal user, TwilioAccounts twilioAccounts, CancellationToken cancellationToken) =>
        user.TenantIdOrNull() == tenantId ? await twilioAccounts.FindAsync(tenantId, cancellationToken) : null;
}

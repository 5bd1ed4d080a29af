namespace App.Twilio.Simulator;

/// <summary>
/// <c>/2010-04-01/Accounts/{AccountSid}/Messages.json</c> and <c>.../Messages/{Sid}.json</c> as Twilio serves them
/// (see docs/twilio.md, "REST resources"): form body, Basic auth, 201 with the Message resource in <c>queued</c> (or <c>accepted</c> with a
/// Messaging Service), Twilio's error codes for bad input, and the <see cref="MagicNumbers"/>.
/// </summary>
public static class SimulatedMessages
{
    /// <summary>Fetch, and list with the filters <c>To</c>, <c>From</c>, <c>DateSent</c>, <c>DateSent&lt;</c>, <c>DateSent&gt;</c> (a message not sent yet is dated by its creation).</summary>
    internal static readonly SimulatedResource<TwilioMessage> Resource = new("Messages", "DateSent", (ledger, sid) => ledger.FindMessage(sid), (ledger, account) => ledger.MessagesOf(account),
        m => m.Sid, m => m.AccountSid, m => m.To, m => m.From, m => m.DateSent ?? m.DateCreated, Status: null, SimulatorWire.ToJson);

    public static async Task<IResult> CreateAsync(
        string accountSid, HttpContext context, SimulatorAuth auth, SimulatorLedger ledger, MessageLifecycle lifecycle, CancellationToken cancellationToken)
    {
        if (await auth.AuthenticateFormAsync(context.Request, accountSid, cancellationToken) is not { } form)
            return SimulatorAuth.Unauthorized(context);

        var service = form["MessagingServiceSid"];
        var body = form.AsSent("Body");
        var media = form.All("MediaUrl");
        var statusCallback = form["StatusCallback"];

        var invalid = MagicNumbers.RefuseCreate(ledger, form.To, $"message\n{form.To}\n{body}")
                      ?? Validate(form, service, body, media, statusCallback);
        if (invalid is not null) return invalid;

        var now = DateTimeOffset.UtcNow;
        var sid = SimulatorWire.NewSid(media.Count > 0 ? "MM" : "SM");
        var message = new TwilioMessage
        {
            Sid = sid,
            AccountSid = accountSid,
            MessagingServiceSid = service,
            From = form.From,
            To = form.To,
            Body = body ?? "",
            // With a Messaging Service no sender is chosen yet, so no segments are counted (see docs/twilio.md, "SMS segments and encodings").
            Status = service is null ? "queued" : "accepted",
            Direction = "outbound-api",
            NumSegments = service is null ? SimulatorWire.Number(SmsSegments.Count(body ?? "").Segments) : "0",
            NumMedia = SimulatorWire.Number(media.Count),
            Price = null,
            PriceUnit = "USD",
            DateCreated = now,
            DateUpdated = now,
            DateSent = null,
            ApiVersion = SimulatorWire.ApiVersion,
            Uri = Resource.Uri(accountSid, sid),
        };
        ledger.AddMessage(message, countAsCreated: true);
        lifecycle.Start(sid, form.TenantId, statusCallback);

        return Resource.Created(message);
    }

    private static IResult? Validate(CreateForm form, string? service, string? body, IReadOnlyList<string> media, string? statusCallback)
    {
        var (to, from, contentSid) = (form.To, form.From, form["ContentSid"]);
        if (to is null) return SimulatorWire.BadRequest(21604, "A 'To' phone number is required.");
        if (from is null && service is null) return SimulatorWire.BadRequest(21603, "A 'From' phone number is required.");
        if (string.IsNullOrEmpty(body) && media.Count == 0 && contentSid is null) return SimulatorWire.BadRequest(21602, "Message body is required.");
        if (!SimulatorWire.IsMessageRecipient(to) || to == MagicNumbers.InvalidNumber || to == from)
        {
            return SimulatorWire.BadRequest(21211, $"Invalid 'To' Phone Number: {to}");
        }

        if (from is not null && !SimulatorWire.IsMessageSender(from))
        {
            return SimulatorWire.BadRequest(21606, "The 'From' phone number provided is not a valid message-capable Twilio phone number for this destination.");
        }

        if (body is { Length: > TwilioRequestRules.MaxBodyLength })
        {
            return SimulatorWire.BadRequest(21617, "The concatenated message body exceeds the 1600 character limit.");
        }

        if (media.Count > TwilioRequestRules.MaxMediaUrls) return SimulatorWire.BadRequest(21623, "Number of media files exceeds allowed limit.");
        if (media.Any(url => !SimulatorWire.IsCallbackUrl(url))) return SimulatorWire.BadRequest(21620, "Invalid media URL(s).");
        if (statusCallback is not null && !SimulatorWire.IsCallbackUrl(statusCallback)) return SimulatorWire.BadRequest(21609, "Invalid 'StatusCallback'.");
        if (to == MagicNumbers.Unsubscribed) return SimulatorWire.BadRequest(21610, "Attempt to send to unsubscribed recipient");
        return null;
    }
}

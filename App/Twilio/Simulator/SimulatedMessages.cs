namespace App.Twilio.Simulator;

/// <summary>
/// <c>/2010-04-01/Accounts/{AccountSid}/Messages.json</c> and <c>.../Messages/{Sid}.json</c> as Twilio serves them
/// (FACTS §1): form body, Basic auth, 201 with the Message resource in <c>queued</c> (or <c>accepted</c> with a
/// Messaging Service), Twilio's error codes for bad input, and the <see cref="MagicNumbers"/>.
/// </summary>
public static class SimulatedMessages
{
    public static async Task<IResult> CreateAsync(
        string accountSid, HttpContext context, SimulatorAuth auth, SimulatorLedger ledger, MessageLifecycle lifecycle, CancellationToken cancellationToken)
    {
        var tenantId = await auth.AuthenticateAsync(context.Request, accountSid, cancellationToken);
        if (tenantId is null) return SimulatorAuth.Unauthorized(context);

        var form = await SimulatorWire.ReadFormAsync(context.Request, cancellationToken);
        var to = SimulatorWire.Single(form, "To");
        var from = SimulatorWire.Single(form, "From");
        var service = SimulatorWire.Single(form, "MessagingServiceSid");
        var body = form.FirstOrDefault(p => p.Key == "Body").Value;
        var media = SimulatorWire.All(form, "MediaUrl");
        var contentSid = SimulatorWire.Single(form, "ContentSid");
        var statusCallback = SimulatorWire.Single(form, "StatusCallback");

        if (to is not null) ledger.RecordAttempt(to);
        if (to == MagicNumbers.Unavailable) return SimulatorWire.Error(StatusCodes.Status503ServiceUnavailable, 20503, "Service Unavailable");
        if (to == MagicNumbers.ThrottledOnce && ledger.ThrottleFirst($"message\n{to}\n{body}"))
        {
            return SimulatorWire.Error(StatusCodes.Status429TooManyRequests, 20429, "Too Many Requests");
        }

        var invalid = Validate(to, from, service, body, media, contentSid, statusCallback);
        if (invalid is not null) return invalid;

        var now = DateTimeOffset.UtcNow;
        var sid = SimulatorWire.NewSid(media.Count > 0 ? "MM" : "SM");
        var message = new TwilioMessage
        {
            Sid = sid,
            AccountSid = accountSid,
            MessagingServiceSid = service,
            From = from,
            To = to,
            Body = body ?? "",
            // With a Messaging Service no sender is chosen yet, so no segments are counted (FACTS §1.2).
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
            Uri = SimulatorWire.MessageUri(accountSid, sid),
        };
        ledger.AddMessage(message, countAsCreated: true);
        lifecycle.Start(sid, tenantId, statusCallback);

        // Created, yet the client hears 500: it cannot know, and must reconcile rather than send again.
        if (to == MagicNumbers.CreatedButServerError) return SimulatorWire.Error(StatusCodes.Status500InternalServerError, 20500, "Internal Server Error");
        return SimulatorWire.Json(SimulatorWire.ToJson(message), StatusCodes.Status201Created);
    }

    public static async Task<IResult> FetchAsync(
        string accountSid, string sid, HttpContext context, SimulatorAuth auth, SimulatorLedger ledger, CancellationToken cancellationToken)
    {
        if (await auth.AuthenticateAsync(context.Request, accountSid, cancellationToken) is null) return SimulatorAuth.Unauthorized(context);

        var message = ledger.FindMessage(sid);
        return message is not null && message.AccountSid == accountSid
            ? SimulatorWire.Json(SimulatorWire.ToJson(message), StatusCodes.Status200OK)
            : SimulatorWire.NotFound(SimulatorWire.MessageUri(accountSid, sid));
    }

    /// <summary>Filters: <c>To</c>, <c>From</c>, <c>DateSent</c>, <c>DateSent&lt;</c>, <c>DateSent&gt;</c> (a message not sent yet is dated by its creation).</summary>
    public static async Task<IResult> ListAsync(
        string accountSid, HttpContext context, SimulatorAuth auth, SimulatorLedger ledger, CancellationToken cancellationToken)
    {
        if (await auth.AuthenticateAsync(context.Request, accountSid, cancellationToken) is null) return SimulatorAuth.Unauthorized(context);

        var query = context.Request.Query;
        var days = SimulatorPaging.Days(query, "DateSent", out var error);
        if (days is null) return SimulatorWire.BadRequest(20001, error!);
        var to = query["To"].ToString();
        var from = query["From"].ToString();

        var items = ledger.MessagesOf(accountSid)
            .Where(m => (to.Length == 0 || m.To == to) && (from.Length == 0 || m.From == from) && days.Matches(m.DateSent ?? m.DateCreated))
            .ToList();
        return SimulatorPaging.Page(context.Request, SimulatorWire.AccountPath(accountSid) + "/Messages.json", "messages",
            items, m => m.Sid, m => SimulatorWire.ToJson(m));
    }

    private static IResult? Validate(
        string? to, string? from, string? service, string? body, IReadOnlyList<string> media, string? contentSid, string? statusCallback)
    {
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

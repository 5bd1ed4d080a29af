namespace App.Twilio.Simulator;

/// <summary>
/// <c>/2010-04-01/Accounts/{AccountSid}/Calls.json</c> and <c>.../Calls/{Sid}.json</c> as Twilio serves them (FACTS §2):
/// form body with repeated <c>StatusCallbackEvent</c>, Basic auth, 201 with the Call resource in <c>queued</c>,
/// Twilio's error codes for bad input, and the <see cref="MagicNumbers"/>. <c>ApplicationSid</c> is refused (21218):
/// the simulator has no TwiML apps.
/// </summary>
public static class SimulatedCalls
{
    public static async Task<IResult> CreateAsync(
        string accountSid, HttpContext context, SimulatorAuth auth, SimulatorLedger ledger, CallLifecycle lifecycle, CancellationToken cancellationToken)
    {
        var tenantId = await auth.AuthenticateAsync(context.Request, accountSid, cancellationToken);
        if (tenantId is null) return SimulatorAuth.Unauthorized(context);

        var form = await SimulatorWire.ReadFormAsync(context.Request, cancellationToken);
        var to = SimulatorWire.Single(form, "To");
        var from = SimulatorWire.Single(form, "From");
        var url = SimulatorWire.Single(form, "Url");
        var twiml = SimulatorWire.Single(form, "Twiml");
        var method = SimulatorWire.Single(form, "Method")?.ToUpperInvariant() ?? "POST";
        var statusCallback = SimulatorWire.Single(form, "StatusCallback");
        var statusCallbackMethod = SimulatorWire.Single(form, "StatusCallbackMethod")?.ToUpperInvariant() ?? "POST";
        // Each event is its own repeated key (FACTS §0); a space-separated list is read as well.
        var events = SimulatorWire.All(form, "StatusCallbackEvent")
            .SelectMany(value => value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToList();

        if (to is not null) ledger.RecordAttempt(to);
        if (to == MagicNumbers.Unavailable) return SimulatorWire.Error(StatusCodes.Status503ServiceUnavailable, 20503, "Service Unavailable");
        if (to == MagicNumbers.ThrottledOnce && ledger.ThrottleFirst($"call\n{to}\n{url ?? twiml}"))
        {
            return SimulatorWire.Error(StatusCodes.Status429TooManyRequests, 20429, "Too Many Requests");
        }

        var invalid = Validate(form, to, from, url, twiml, method, statusCallback, statusCallbackMethod, events);
        if (invalid is not null) return invalid;

        var now = DateTimeOffset.UtcNow;
        var sid = SimulatorWire.NewSid("CA");
        var call = new TwilioCall
        {
            Sid = sid,
            AccountSid = accountSid,
            To = to,
            ToFormatted = to,
            From = from,
            FromFormatted = from,
            Status = "queued",
            PriceUnit = "USD",
            Direction = "outbound-api",
            ApiVersion = SimulatorWire.ApiVersion,
            QueueTime = "0",
            DateCreated = now,
            DateUpdated = now,
            Uri = SimulatorWire.CallUri(accountSid, sid),
        };
        ledger.AddCall(call);
        lifecycle.Start(sid, tenantId, new CallInstructions(
            // Twilio ignores Twiml when Url is also given (FACTS §2.1).
            url, method, url is null ? twiml : null, statusCallback, statusCallbackMethod,
            events.Count == 0 ? [TwilioCallEvents.Completed] : [.. events.Distinct(StringComparer.Ordinal)]));

        if (to == MagicNumbers.CreatedButServerError) return SimulatorWire.Error(StatusCodes.Status500InternalServerError, 20500, "Internal Server Error");
        return SimulatorWire.Json(SimulatorWire.ToJson(call), StatusCodes.Status201Created);
    }

    public static async Task<IResult> FetchAsync(
        string accountSid, string sid, HttpContext context, SimulatorAuth auth, SimulatorLedger ledger, CancellationToken cancellationToken)
    {
        if (await auth.AuthenticateAsync(context.Request, accountSid, cancellationToken) is null) return SimulatorAuth.Unauthorized(context);

        var call = ledger.FindCall(sid);
        return call is not null && call.AccountSid == accountSid
            ? SimulatorWire.Json(SimulatorWire.ToJson(call), StatusCodes.Status200OK)
            : SimulatorWire.NotFound(SimulatorWire.CallUri(accountSid, sid));
    }

    /// <summary>Filters: <c>To</c>, <c>From</c>, <c>Status</c>, <c>StartTime</c>, <c>StartTime&lt;</c>, <c>StartTime&gt;</c> (a call not answered yet is dated by its creation).</summary>
    public static async Task<IResult> ListAsync(
        string accountSid, HttpContext context, SimulatorAuth auth, SimulatorLedger ledger, CancellationToken cancellationToken)
    {
        if (await auth.AuthenticateAsync(context.Request, accountSid, cancellationToken) is null) return SimulatorAuth.Unauthorized(context);

        var query = context.Request.Query;
        var days = SimulatorPaging.Days(query, "StartTime", out var error);
        if (days is null) return SimulatorWire.BadRequest(20001, error!);
        var to = query["To"].ToString();
        var from = query["From"].ToString();
        var status = query["Status"].ToString();

        var items = ledger.CallsOf(accountSid)
            .Where(c => (to.Length == 0 || c.To == to) && (from.Length == 0 || c.From == from)
                && (status.Length == 0 || c.Status == status) && days.Matches(c.StartTime ?? c.DateCreated))
            .ToList();
        return SimulatorPaging.Page(context.Request, SimulatorWire.AccountPath(accountSid) + "/Calls.json", "calls",
            items, c => c.Sid, c => SimulatorWire.ToJson(c));
    }

    private static IResult? Validate(
        List<KeyValuePair<string, string>> form, string? to, string? from, string? url, string? twiml, string method,
        string? statusCallback, string statusCallbackMethod, IReadOnlyList<string> events)
    {
        if (to is null) return SimulatorWire.BadRequest(21201, "No 'To' number is specified");
        if (from is null) return SimulatorWire.BadRequest(21213, "No 'From' number is specified");
        if (!SimulatorWire.IsCallParty(to) || to == MagicNumbers.InvalidNumber) return SimulatorWire.BadRequest(21211, $"Invalid 'To' Phone Number: {to}");
        if (!SimulatorWire.IsCallParty(from)) return SimulatorWire.BadRequest(21212, $"Invalid 'From' Phone Number: {from}");
        if (SimulatorWire.Single(form, "ApplicationSid") is not null)
        {
            return SimulatorWire.BadRequest(21218, "Invalid ApplicationSid: the Twilio simulator has no TwiML applications; use Url or Twiml.");
        }

        if (url is null && twiml is null) return SimulatorWire.BadRequest(21205, "A 'Url', 'Twiml' or 'ApplicationSid' parameter is required.");
        if (url is not null && !SimulatorWire.IsCallbackUrl(url)) return SimulatorWire.BadRequest(21205, $"Url is not a valid URL: {url}");
        if (method is not "GET" and not "POST" || statusCallbackMethod is not "GET" and not "POST")
        {
            return SimulatorWire.BadRequest(21209, "Method and StatusCallbackMethod must be GET or POST.");
        }

        if (statusCallback is not null && !SimulatorWire.IsCallbackUrl(statusCallback)) return SimulatorWire.BadRequest(21609, "Invalid 'StatusCallback'.");
        var unknown = events.FirstOrDefault(e => !TwilioCallEvents.All.Contains(e, StringComparer.Ordinal));
        if (unknown is not null) return SimulatorWire.BadRequest(21626, $"Invalid StatusCallbackEvent: {unknown}");
        return null;
    }
}

/// <summary>What a created call was told to do.</summary>
/// <param name="Events">The <c>StatusCallbackEvent</c>s to post (only <c>completed</c> when none were given).</param>
public sealed record CallInstructions(
    string? Url, string Method, string? Twiml, string? StatusCallback, string StatusCallbackMethod, IReadOnlyList<string> Events);

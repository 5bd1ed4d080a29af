namespace App.Twilio.Simulator;

/// <summary>
/// <c>/2010-04-01/Accounts/{AccountSid}/Calls.json</c> and <c>.../Calls/{Sid}.json</c> as Twilio serves them (see docs/twilio.md, "REST resources"):
/// form body with repeated <c>StatusCallbackEvent</c>, Basic auth, 201 with the Call resource in <c>queued</c>,
/// Twilio's error codes for bad input, and the <see cref="MagicNumbers"/>. <c>ApplicationSid</c> is refused (21218):
/// the simulator has no TwiML apps.
/// </summary>
public static class SimulatedCalls
{
    /// <summary>Fetch, and list with the filters <c>To</c>, <c>From</c>, <c>Status</c>, <c>StartTime</c>, <c>StartTime&lt;</c>, <c>StartTime&gt;</c> (a call not answered yet is dated by its creation).</summary>
    internal static readonly SimulatedResource<TwilioCall> Resource = new("Calls", "StartTime", (ledger, sid) => ledger.FindCall(sid), (ledger, account) => ledger.CallsOf(account),
        c => c.Sid, c => c.AccountSid, c => c.To, c => c.From, c => c.StartTime ?? c.DateCreated, c => c.Status, SimulatorWire.ToJson);

    public static async Task<IResult> CreateAsync(
        string accountSid, HttpContext context, SimulatorAuth auth, SimulatorLedger ledger, CallLifecycle lifecycle, CancellationToken cancellationToken)
    {
        if (await auth.AuthenticateFormAsync(context.Request, accountSid, cancellationToken) is not { } form)
            return SimulatorAuth.Unauthorized(context);

        var url = form["Url"];
        var twiml = form["Twiml"];
        var method = form["Method"]?.ToUpperInvariant() ?? "POST";
        var statusCallback = form["StatusCallback"];
        var statusCallbackMethod = form["StatusCallbackMethod"]?.ToUpperInvariant() ?? "POST";
        // Each event is its own repeated key (see docs/twilio.md, "REST resources"); a space-separated list is read as well.
        var events = form.All("StatusCallbackEvent")
            .SelectMany(value => value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToList();

        var invalid = MagicNumbers.RefuseCreate(ledger, form.To, $"call\n{form.To}\n{url ?? twiml}")
                      ?? Validate(form, url, twiml, method, statusCallback, statusCallbackMethod, events);
        if (invalid is not null) return invalid;

        var now = DateTimeOffset.UtcNow;
        var sid = SimulatorWire.NewSid("CA");
        var call = new TwilioCall
        {
            Sid = sid,
            AccountSid = accountSid,
            To = form.To,
            ToFormatted = form.To,
            From = form.From,
            FromFormatted = form.From,
            Status = "queued",
            PriceUnit = "USD",
            Direction = "outbound-api",
            ApiVersion = SimulatorWire.ApiVersion,
            QueueTime = "0",
            DateCreated = now,
            DateUpdated = now,
            Uri = Resource.Uri(accountSid, sid),
        };
        ledger.AddCall(call);
        lifecycle.Start(sid, form.TenantId, new CallInstructions(
            // Twilio ignores Twiml when Url is also given (see docs/twilio.md, "REST resources").
            url, method, url is null ? twiml : null, statusCallback, statusCallbackMethod,
            events.Count == 0 ? [TwilioCallEvents.Completed] : [.. events.Distinct(StringComparer.Ordinal)]));

        return Resource.Created(call);
    }

    private static IResult? Validate(
        CreateForm form, string? url, string? twiml, string method, string? statusCallback, string statusCallbackMethod, IReadOnlyList<string> events)
    {
        var (to, from) = (form.To, form.From);
        if (to is null) return SimulatorWire.BadRequest(21201, "No 'To' number is specified");
        if (from is null) return SimulatorWire.BadRequest(21213, "No 'From' number is specified");
        if (!SimulatorWire.IsCallParty(to) || to == MagicNumbers.InvalidNumber) return SimulatorWire.BadRequest(21211, $"Invalid 'To' Phone Number: {to}");
        if (!SimulatorWire.IsCallParty(from)) return SimulatorWire.BadRequest(21212, $"Invalid 'From' Phone Number: {from}");
        if (form["ApplicationSid"] is not null)
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

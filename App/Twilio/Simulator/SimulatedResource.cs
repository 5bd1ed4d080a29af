using System.Text.Json.Nodes;

namespace App.Twilio.Simulator;

/// <summary>
/// What the simulated Messages and Calls resources do alike: the magic numbers that refuse or garble a create, fetch
/// by SID and the filtered, paged list (their route handlers). <paramref name="Plural"/> is the resource's path segment
/// ("Messages"), <paramref name="DateFilter"/> the list's date parameter, dated by <paramref name="Date"/>; a resource
/// with a <paramref name="Status"/> is also filtered by <c>Status</c>.
/// </summary>
internal sealed record SimulatedResource<T>(
    string Plural,
    string DateFilter,
    Func<SimulatorLedger, string, T?> Find,
    Func<SimulatorLedger, string, IReadOnlyList<T>> OfAccount,
    Func<T, string?> Sid,
    Func<T, string?> AccountSid,
    Func<T, string?> To,
    Func<T, string?> From,
    Func<T, DateTimeOffset?> Date,
    Func<T, string?>? Status,
    Func<T, JsonObject> ToJson) where T : class
{
    public string Uri(string accountSid, string sid) => $"{SimulatorWire.AccountPath(accountSid)}/{Plural}/{sid}.json";

    /// <summary>201 with the created resource; for <see cref="MagicNumbers.CreatedButServerError"/> it exists, yet the client hears 500 and must reconcile rather than create again.</summary>
    public IResult Created(T created) => To(created) == MagicNumbers.CreatedButServerError
        ? SimulatorWire.Error(StatusCodes.Status500InternalServerError, 20500, "Internal Server Error")
        : SimulatorWire.Json(ToJson(created), StatusCodes.Status201Created);

    public async Task<IResult> FetchAsync(
        string accountSid, string sid, HttpContext context, SimulatorAuth auth, SimulatorLedger ledger, CancellationToken cancellationToken)
    {
        if (await auth.AuthenticateAsync(context.Request, accountSid, cancellationToken) is null) return SimulatorAuth.Unauthorized(context);
        var found = Find(ledger, sid);
        return found is not null && AccountSid(found) == accountSid
            ? SimulatorWire.Json(ToJson(found), StatusCodes.Status200OK)
            : SimulatorWire.NotFound(Uri(accountSid, sid));
    }

    /// <summary>The account's items, newest first, filtered by <c>To</c>, <c>From</c>, the date filter (and <c>Status</c>), one page of them.</summary>
    public async Task<IResult> ListAsync(
        string accountSid, HttpContext context, SimulatorAuth auth, SimulatorLedger ledger, CancellationToken cancellationToken)
    {
        if (await auth.AuthenticateAsync(context.Request, accountSid, cancellationToken) is null) return SimulatorAuth.Unauthorized(context);

        var query = context.Request.Query;
        var days = SimulatorPaging.Days(query, DateFilter, out var error);
        if (days is null) return SimulatorWire.BadRequest(20001, error!);
        var to = query["To"].ToString();
        var from = query["From"].ToString();
        var status = Status is null ? "" : query["Status"].ToString();

        var items = OfAccount(ledger, accountSid)
            .Where(item => (to.Length == 0 || To(item) == to) && (from.Length == 0 || From(item) == from)
                && (status.Length == 0 || Status!(item) == status) && days.Matches(Date(item)))
            .ToList();
        return SimulatorPaging.Page(context.Request, $"{SimulatorWire.AccountPath(accountSid)}/{Plural}.json", Plural.ToLowerInvariant(),
            items, item => Sid(item)!, item => ToJson(item));
    }
}

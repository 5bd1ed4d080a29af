using App.Twilio;
using System.Globalization;
using App.Features.Audit;
using App.Features.Communication;
using App.Features.Communication.Outbox;
using App.Features.Spend;
using App.Infrastructure.Phone;
using FluentValidation;
using Microsoft.Data.Sqlite;

namespace App.Features.Sending;

/// <summary>
/// A send that passed the checks every send shares and is ready to be written: who it goes to and from, and its
/// Idempotency-Key. <see cref="CommitAsync{T}"/> is the one write unit of every send.
/// </summary>
public sealed class PendingSend
{
    private readonly SendingServices _services;
    private readonly HttpContext _http;

    private PendingSend(SendingServices services, HttpContext http, CurrentTenant tenant, TenantSettings settings, string endpoint, string to,
        string from, string? idempotencyKey, string requestHash)
    {
        _services = services;
        _http = http;
        Tenant = tenant;
        Settings = settings;
        Endpoint = endpoint;
        To = to;
        From = from;
        IdempotencyKey = idempotencyKey;
        RequestHash = requestHash;
    }

    public CurrentTenant Tenant { get; }
    public TenantSettings Settings { get; }
    public string Endpoint { get; }

    /// <summary>The recipient and the sender in E.164 (national numbers read in the tenant's default region).</summary>
    public string To { get; }
    public string From { get; }

    public string? IdempotencyKey { get; }
    public string RequestHash { get; }

    /// <summary>Who sent it, as the history shows it ("api_key:default", "user:ann").</summary>
    public string CreatedBy => $"{Tenant.Actor.Type}:{Tenant.Actor.Name}";

    /// <summary>The calling installation (X-Client-Id), for the history and the audit trail.</summary>
    public string? ClientId => _http.Request.Headers["X-Client-Id"].FirstOrDefault();

    /// <summary>
    /// The checks before a send is built, in order: App is not stopping; a repeated Idempotency-Key gets its first
    /// answer again; the numbers are valid; the tenant can send (Twilio credentials and a number). Either the pending
    /// send or the answer to give at once.
    /// </summary>
    public static async Task<(PendingSend? Send, IResult? Answer)> OpenAsync<TRequest>(SendingServices services, HttpContext http,
        CurrentTenant tenant, string endpoint, TRequest request, string? to, string? from, CancellationToken ct)
    {
        if (services.Lifetime.ApplicationStopping.IsCancellationRequested) return (null, ShuttingDown(http));

        var (idempotencyKey, badKey) = Idempotency.KeyFrom(http.Request);
        if (badKey is not null) return (null, badKey);
        var requestHash = Idempotency.Hash(endpoint, request);
        if (idempotencyKey is not null)
        {
            await using var connection = await services.Db.OpenAsync(ct);
            if (await Idempotency.FindAsync(connection, tenant.Id, idempotencyKey) is { } earlier)
                return (null, Idempotency.Replay(http, earlier, endpoint, requestHash));
        }

        var settings = await services.Directory.SettingsAsync(tenant.Id, ct) ?? new TenantSettings();
        var recipient = E164.Normalize(to, settings.DefaultRegion);
        if (!recipient.IsValid) return (null, Validation.Problem("to", recipient.Error!));

        var account = await services.Accounts.FindAsync(tenant.Id, ct);
        if (account?.MissingConfiguration is { } missing)
            return (null, Api.Error(StatusCodes.Status422UnprocessableEntity, ErrorCodes.TwilioNotConfigured, missing));

        var sender = string.IsNullOrWhiteSpace(from) ? account!.FromNumber : E164.Normalize(from, settings.DefaultRegion).E164;
        if (sender is null) return (null, Validation.Problem("from", $"'{from}' is not a valid phone number."));

        return (new PendingSend(services, http, tenant, settings, endpoint, recipient.E164!, sender, idempotencyKey, requestHash), null);
    }

    /// <summary>
    /// When it goes: now, or at <paramref name="sendAt"/> when that is ahead; either pushed out of the tenant's quiet
    /// hours unless the request overrides them.
    /// </summary>
    public SendTime.Plan Plan(DateTimeOffset? sendAt, bool overrideQuietHours) =>
        SendTime.PlanFor(_services.Time.GetUtcNow(), sendAt, Settings, overrideQuietHours);

    /// <summary>
    /// Writes the send as one unit of the write batch: the opt-out check, the spend cap check, <paramref name="writeFirst"/>
    /// (a call's TwiML document), the log row with its first status event, the outbox entry due at <paramref name="dueAt"/>,
    /// the stored answer for its Idempotency-Key (with a warning near the spend cap) and its audit row. Then wakes the
    /// outbox and answers 200. When a concurrent request with the same key committed first, this one is rolled back and
    /// the first answer returned.
    /// </summary>
    public async Task<IResult> CommitAsync<T>(CommunicationLog.NewRow row, DateTimeOffset dueAt, Func<long, Envelope<T>> answer,
        Func<SqliteConnection, SqliteTransaction, Task>? writeFirst = null)
    {
        var auditRow = _services.Audit.SuccessRow(_http);
        var spendLimit = await _services.SpendCaps.LimitForAsync(Tenant.Id, CancellationToken.None);
        var estimate = _services.SpendCaps.Estimate(row.Channel, row.Segments);
        try
        {
            // Not cancellable: once queued, the send is either committed or refused, whatever the client does meanwhile.
            var written = await _services.Writes.WriteAsync<(IResult? Refusal, Envelope<T>? Answer)>(async (connection, transaction) =>
            {
                // Checked as the row is written, so a STOP that arrives meanwhile is never missed.
                if (await OptOutList.ContainsAsync(connection, Tenant.Id, To, transaction))
                    return (OptedOut(), null);
                // Likewise the spend: the writer has counted every send accepted before this one.
                var spend = spendLimit?.Check(connection, transaction, estimate);
                if (spend is { WouldExceed: true }) return (spend.Refusal(), null);

                if (writeFirst is not null) await writeFirst(connection, transaction);
                var logId = (await CommunicationLog.InsertAsync(connection, transaction, row, "api"))!.Value;
                await OutboxEntries.EnqueueAsync(connection, transaction, Tenant.Id, logId, row.Channel, dueAt, To, From,
                    row.Channel == "sms" ? row.Content : null);

                var envelope = answer(logId);
                if (spend?.Warning() is { } nearCap) envelope = envelope with { Warnings = [nearCap] };
                if (IdempotencyKey is not null
                    && !await Idempotency.TrySaveAsync(connection, transaction, Tenant.Id, IdempotencyKey, Endpoint, RequestHash, StatusCodes.Status200OK, envelope))
                    throw new IdempotencyKeyTakenException();
                if (auditRow is not null)
                    await AuditWriter.InsertAsync(connection, transaction, auditRow with { EntityId = logId.ToString(CultureInfo.InvariantCulture) });
                return (null, envelope);
            });
            if (written.Refusal is not null) return written.Refusal;

            AuditTrail.MarkWrittenWithChange(_http);
            _services.Outbox.Notify();
            return TypedResults.Ok(written.Answer);
        }
        catch (WriteBatcher.StoppedException)
        {
            return ShuttingDown(_http);
        }
        catch (IdempotencyKeyTakenException)
        {
            await using var connection = await _services.Db.OpenAsync();
            var winner = await Idempotency.FindAsync(connection, Tenant.Id, IdempotencyKey!);
            return Idempotency.Replay(_http, winner!, Endpoint, RequestHash);
        }
    }

    private IResult OptedOut() => Api.Error(StatusCodes.Status409Conflict, ErrorCodes.OptedOut,
        $"{To} has opted out of messages from this tenant (replied STOP); nothing was sent.",
        new Dictionary<string, string> { ["to"] = To });

    /// <summary>
    /// App is stopping (a deploy, Fly's auto-stop): nothing new is accepted, so nothing accepted is left half-done.
    /// The client retries in a moment (with its Idempotency-Key) and reaches the next instance.
    /// </summary>
    private static IResult ShuttingDown(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "5";
        return Api.Error(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ShuttingDown,
            "The server is restarting and takes no new sends right now; nothing was sent. Retry in a few seconds with the same Idempotency-Key.");
    }

    private sealed class IdempotencyKeyTakenException : Exception;
}

/// <summary>What the send endpoints stand on, in one parameter.</summary>
public sealed record SendingServices(Db Db, WriteBatcher Writes, AuditWriter Audit, TenantDirectory Directory, TwilioAccounts Accounts,
    OutboxSignal Outbox, IHostApplicationLifetime Lifetime, TimeProvider Time, SpendCaps SpendCaps);

public static class SendTime
{
    /// <summary>A send_at is at most 5 minutes in the past (clock skew) and at most 35 days ahead.</summary>
    public static IRuleBuilderOptions<T, DateTimeOffset?> MustBeASendTime<T>(this IRuleBuilder<T, DateTimeOffset?> rule) =>
        rule.Must(at => at is null || at > DateTimeOffset.UtcNow.AddMinutes(-5)).WithMessage("'send_at' is in the past.")
            .Must(at => at is null || at < DateTimeOffset.UtcNow.AddDays(35)).WithMessage("'send_at' can be at most 35 days ahead.");

    public static string Describe(DateTimeOffset at) => at.UtcDateTime.ToString("u", CultureInfo.InvariantCulture);

    /// <param name="DueAt">When the outbox may hand it to Twilio.</param>
    /// <param name="Scheduled">It waits (a send_at ahead, or quiet hours): status "scheduled", with <paramref name="SendAt"/>.</param>
    /// <param name="HeldForQuietHours">It would have gone earlier but for the tenant's quiet hours.</param>
    public sealed record Plan(DateTimeOffset DueAt, bool Scheduled, DateTimeOffset? SendAt, bool HeldForQuietHours)
    {
        public string Describe(string what) => HeldForQuietHours
            ? $"{what} held for the tenant's quiet hours; it goes at {SendTime.Describe(DueAt)}."
            : Scheduled ? $"{what} scheduled for {SendTime.Describe(DueAt)}." : $"{what} queued for sending.";
    }

    /// <summary>
    /// A one-off send goes at once, or at a send_at more than a few seconds ahead; inside the tenant's quiet hours it
    /// waits for them to end, unless the request overrides them (an urgent message a person decided to send now).
    /// </summary>
    public static Plan PlanFor(DateTimeOffset now, DateTimeOffset? sendAt, TenantSettings settings, bool overrideQuietHours)
    {
        var wanted = sendAt is { } at && at > now.AddSeconds(5) ? at : now;
        var allowed = overrideQuietHours ? wanted : QuietHours.NextAllowed(settings, wanted);
        var scheduled = allowed > now.AddSeconds(5);
        return new Plan(allowed, scheduled, scheduled ? allowed : null, allowed > wanted);
    }
}

public static class SendingRegistration
{
    public static IServiceCollection AddSending(this IServiceCollection services) => services.AddSingleton<SendingServices>();
}

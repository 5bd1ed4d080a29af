using System.Globalization;
using App.Features.Audit;
using App.Features.Communication.Outbox;
using App.Infrastructure.Database;
using App.Infrastructure.Phone;
using App.Infrastructure.Tenancy;
using App.Infrastructure.Web;
using Dapper;
using FluentValidation;
using Microsoft.Data.Sqlite;

namespace App.Features.Communication;

/// <summary>What the SMS and call send endpoints share: who is sent to and from, and how an accepted send is committed.</summary>
public static class Sending
{
    /// <summary>A send_at is at most 5 minutes in the past (clock skew) and at most 35 days ahead.</summary>
    public static IRuleBuilderOptions<T, DateTimeOffset?> MustBeASendTime<T>(this IRuleBuilder<T, DateTimeOffset?> rule) =>
        rule.Must(at => at is null || at > DateTimeOffset.UtcNow.AddMinutes(-5)).WithMessage("'send_at' is in the past.")
            .Must(at => at is null || at < DateTimeOffset.UtcNow.AddDays(35)).WithMessage("'send_at' can be at most 35 days ahead.");

    /// <summary>
    /// The request's Idempotency-Key and hash, or the answer to give at once: a refusal of a malformed key, or the
    /// stored first answer when the key was seen before.
    /// </summary>
    public static async Task<(string? Key, string Hash, IResult? Answer)> CheckIdempotencyAsync<TRequest>(HttpContext http, Db db,
        string tenantId, string endpoint, TRequest request)
    {
        var (key, badKey) = Idempotency.KeyFrom(http.Request);
        var hash = Idempotency.Hash(endpoint, request);
        if (badKey is not null) return (null, hash, badKey);
        if (key is null) return (null, hash, null);

        await using var connection = await db.OpenAsync(http.RequestAborted);
        return await Idempotency.FindAsync(connection, tenantId, key) is { } earlier
            ? (key, hash, Idempotency.Replay(http, earlier, endpoint, hash))
            : (key, hash, null);
    }

    /// <summary>The recipient and sender in E.164 (national numbers read in the tenant's default region).</summary>
    public sealed record Parties(string To, string From);

    /// <summary>Normalises the numbers and checks the tenant can send; otherwise the refusal to answer with.</summary>
    public static async Task<(Parties? Parties, IResult? Refusal)> ResolvePartiesAsync(CurrentTenant tenant, TenantDirectory directory,
        TwilioAccounts accounts, string? to, string? from, CancellationToken ct)
    {
        var settings = await directory.SettingsAsync(tenant.Id, ct) ?? new TenantSettings();
        var recipient = E164.Normalize(to, settings.DefaultRegion);
        if (!recipient.IsValid) return (null, Validation.Problem("to", recipient.Error!));

        var account = await accounts.FindAsync(tenant.Id, ct);
        if (account?.MissingConfiguration is { } missing)
            return (null, Api.Error(StatusCodes.Status422UnprocessableEntity, "TWILIO_NOT_CONFIGURED", missing));

        var sender = string.IsNullOrWhiteSpace(from) ? account!.FromNumber : E164.Normalize(from, settings.DefaultRegion).E164;
        if (sender is null) return (null, Validation.Problem("from", $"'{from}' is not a valid phone number."));
        return (new Parties(recipient.E164!, sender), null);
    }

    /// <summary>What writing a send's rows came to: accepted (its log id and answer), or refused with a reason.</summary>
    public readonly record struct Written<T>(long LogId, Envelope<T>? Answer, IResult? Refusal);

    public static Written<T> Accepted<T>(long logId, Envelope<T> answer) => new(logId, answer, null);

    public static Written<T> Refused<T>(IResult refusal) => new(0, null, refusal);

    /// <summary>Checks what must be checked at the moment of writing, then writes the rows of one send.</summary>
    public delegate Task<Written<T>> SendRows<T>(SqliteConnection connection, SqliteTransaction transaction);

    /// <summary>
    /// Writes the accepted send (log row, outbox entry, its audit row and, with an Idempotency-Key, the stored answer)
    /// as one unit of the write batch, wakes the outbox and answers 200 once it is committed. When a concurrent request
    /// with the same key committed first, ours is rolled back and its answer is returned instead. A refusal is audited
    /// as usual, when the response starts.
    /// </summary>
    public static async Task<IResult> AcceptAsync<T>(HttpContext http, Db db, WriteBatcher writes, AuditWriter audit, string tenantId,
        string? idempotencyKey, string endpoint, string requestHash, SendRows<T> writeRows, OutboxSignal outbox)
    {
        var lifetime = http.RequestServices.GetRequiredService<IHostApplicationLifetime>();
        if (lifetime.ApplicationStopping.IsCancellationRequested) return ShuttingDown(http);

        var auditRow = audit.SuccessRow(http);
        try
        {
            // Not cancellable: once queued, the send is either committed or refused, whatever the client does meanwhile.
            var written = await writes.WriteAsync(async (connection, transaction) =>
            {
                var result = await writeRows(connection, transaction);
                if (result.Answer is null) return result;
                if (idempotencyKey is not null
                    && !await Idempotency.TrySaveAsync(connection, transaction, tenantId, idempotencyKey, endpoint, requestHash, StatusCodes.Status200OK, result.Answer))
                    throw new IdempotencyKeyTakenException();
                if (auditRow is not null)
                    await AuditWriter.InsertAsync(connection, transaction, auditRow with { EntityId = result.LogId.ToString(CultureInfo.InvariantCulture) });
                return result;
            });
            if (written.Refusal is not null) return written.Refusal;

            AuditTrail.MarkWrittenWithChange(http);
            outbox.Notify();
            return TypedResults.Ok(written.Answer);
        }
        catch (WriteBatcher.StoppedException)
        {
            return ShuttingDown(http);
        }
        catch (IdempotencyKeyTakenException)
        {
            await using var connection = await db.OpenAsync();
            var winner = await Idempotency.FindAsync(connection, tenantId, idempotencyKey!);
            return Idempotency.Replay(http, winner!, endpoint, requestHash);
        }
    }

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

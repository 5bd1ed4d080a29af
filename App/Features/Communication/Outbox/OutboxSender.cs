using App.Infrastructure.Hosting;
using App.Twilio;
using Microsoft.Extensions.Options;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace App.Features.Communication.Outbox;

/// <summary>
/// Hands one outbox entry to Twilio and records what happened:
/// created → the log row gets Twilio's SID and status; a safe failure (429, connection refused before sending) →
/// retried later with back-off, up to Outbox:MaxAttempts; a permanent refusal → the row is failed with Twilio's code
/// and message; an uncertain outcome (timeout, 5xx, a worker that died mid-send) → nothing is resent until Twilio's
/// own list has been searched for the message or call (<see cref="OutboxReconciliation"/>; see docs/twilio.md, "Errors and
/// what is safe to retry").
/// What it writes goes through the <see cref="WriteBatcher"/>, beside the sends and callbacks, never on a transaction
/// of its own (bench/README.md, "Sends waiting on the write lock").
/// </summary>
public sealed class OutboxSender(
    Db db,
    WriteBatcher writer,
    TwilioAccounts accounts,
    TwilioRest twilio,
    PublicUrls urls,
    TenantPacer pacer,
    IOptions<OutboxOptions> options,
    ILogger<OutboxSender> logger)
{
    /// <summary>The log row an entry sends: the row as the history shows it, with its tenant and, for a call, its TwiML document.</summary>
    internal sealed class LogRow : HistoryItem
    {
        public string TenantId { get; init; } = "";
        public string? XmlFilename { get; init; }
    }

    private const string LogRowSql = $"SELECT {HistoryItem.Columns}, tenant_id, xml_filename FROM communication_log WHERE id = @LogId";

    internal sealed record Created(string Sid, string? Status, int? Segments);

    public async Task SendAsync(OutboxEntries.Entry entry, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<LogRow>(LogRowSql, new { entry.LogId });
        if (row is null)
        {
            await SettleAsync(entry, "failed", "The log row no longer exists.");
            return;
        }

        if (row.TwilioSid is not null)
        {
            // Already created (a callback or reconciliation recorded it): never send twice.
            await SettleAsync(entry, "done");
            return;
        }

        if (!pacer.TryAcquire(entry.TenantId))
        {
            var wait = TimeSpan.FromSeconds(1 / Math.Max(0.1, settings.TenantSendsPerSecond));
            await DeferAsync(entry, entry.NeedsReconciliation ? "uncertain" : "pending", DateTimeOffset.UtcNow + wait, lastError: null, refundAttempt: true);
            return;
        }

        var account = await accounts.FindAsync(entry.TenantId, cancellationToken);
        if (account is null || account.MissingConfiguration is not null)
        {
            await FailAsync(entry, row, null, account?.MissingConfiguration ?? "The tenant no longer exists.");
            return;
        }

        var credentials = account.Credentials!;
        if (entry.NeedsReconciliation)
        {
            Created? existing;
            try
            {
                existing = await OutboxReconciliation.FindExistingAsync(twilio, connection, credentials, row, entry, logger, cancellationToken);
            }
            catch (TwilioException error)
            {
                await DeferAsync(entry, "uncertain", DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(settings.ReconcileDelayMs),
                    "Reconciliation failed: " + error.Message, refundAttempt: true);
                return;
            }

            if (existing is not null)
            {
                logger.LogInformation("Outbox entry {EntryId}: found {Sid} at Twilio; not resending", entry.Id, existing.Sid);
                await RecordCreatedAsync(entry, row, existing, "reconcile");
                return;
            }

            if (OutOfRetries(entry.Attempts, row))
            {
                await FailAsync(entry, row, null,
                    $"Twilio did not confirm the send after {entry.Attempts} attempts (each checked against Twilio's records first); it was not sent.");
                return;
            }
        }

        try
        {
            var created = row.NetworkType == "sms"
                ? await CreateMessageAsync(credentials, row, cancellationToken)
                : await CreateCallAsync(credentials, row, cancellationToken);
            await RecordCreatedAsync(entry, row, created, "twilio");
        }
        catch (TwilioUncertainException error)
        {
            logger.LogWarning("Outbox entry {EntryId}: uncertain outcome ({Reason}); reconciling before any resend", entry.Id, error.Message);
            await DeferAsync(entry, "uncertain", ReconcileAt(entry), error.Message);
        }
        catch (TwilioConnectionException error) when (error.RequestSent)
        {
            await DeferAsync(entry, "uncertain", ReconcileAt(entry), error.Message);
        }
        catch (TwilioException error) when (error.IsRetryable)
        {
            if (OutOfRetries(entry.Attempts + 1, row))
            {
                await FailAsync(entry, row, (error as TwilioApiException)?.Code,
                    $"Gave up after {entry.Attempts + 1} attempts: {error.Message}");
                return;
            }

            var retryAfter = (error as TwilioApiException)?.RetryAfter ?? TimeSpan.Zero;
            var backoff = settings.BackoffFor((int)entry.Attempts + 1);
            await DeferAsync(entry, "pending", DateTimeOffset.UtcNow + (retryAfter > backoff ? retryAfter : backoff), error.Message);
        }
        catch (TwilioApiException error)
        {
            await FailAsync(entry, row, error.Code, error.Message, optedOut: error.Code == 21610);
        }
        catch (ArgumentException error)
        {
            // The client refused to send something Twilio would reject (checked before any request).
            await FailAsync(entry, row, null, error.Message);
        }
    }

    /// <summary>
    /// A send that keeps failing without Twilio refusing it is given up only after Outbox:MaxAttempts attempts and
    /// Outbox:GiveUpAfterSeconds since it was due, so an outage of Twilio (or of our network) fails nothing.
    /// </summary>
    private bool OutOfRetries(long attempts, LogRow row)
    {
        var settings = options.Value;
        var dueSince = row.SendAt is { } sendAt && sendAt > row.CreatedAt ? sendAt : row.CreatedAt;
        return attempts >= settings.MaxAttempts && DateTimeOffset.UtcNow - dueSince >= TimeSpan.FromSeconds(settings.GiveUpAfterSeconds);
    }

    /// <summary>Twilio needs a moment to list a new message; a Twilio that keeps failing creates is asked less and less often.</summary>
    private DateTimeOffset ReconcileAt(OutboxEntries.Entry entry)
    {
        var settings = options.Value;
        var reconcileDelay = TimeSpan.FromMilliseconds(settings.ReconcileDelayMs);
        var backoff = settings.BackoffFor((int)entry.Attempts);
        return DateTimeOffset.UtcNow + (backoff > reconcileDelay ? backoff : reconcileDelay);
    }

    private async Task<Created> CreateMessageAsync(TwilioCredentials credentials, LogRow row, CancellationToken cancellationToken)
    {
        var message = await twilio.CreateMessageAsync(credentials, new CreateMessageOptions(new PhoneNumber(row.ToNumber))
        {
            From = new PhoneNumber(row.FromNumber),
            Body = row.MessageContent,
            StatusCallback = new Uri(urls.For($"/webhooks/twilio/{row.TenantId}/sms?log={row.Id}")),
        }, cancellationToken);
        return new Created(message.Sid, message.Status?.ToString(), int.TryParse(message.NumSegments, out var segments) && segments > 0 ? segments : null);
    }

    private async Task<Created> CreateCallAsync(TwilioCredentials credentials, LogRow row, CancellationToken cancellationToken)
    {
        var call = await twilio.CreateCallAsync(credentials, new CreateCallOptions(new PhoneNumber(row.ToNumber), new PhoneNumber(row.FromNumber))
        {
            Url = new Uri(urls.For($"/webhooks/twilio/voice-xml/{row.XmlFilename}")),
            Method = global::Twilio.Http.HttpMethod.Post,
            StatusCallback = new Uri(urls.For($"/webhooks/twilio/{row.TenantId}/voice?log={row.Id}")),
            StatusCallbackEvent = [.. TwilioCallEvents.All],
            StatusCallbackMethod = global::Twilio.Http.HttpMethod.Post,
        }, cancellationToken);
        return new Created(call.Sid, call.Status?.ToString(), null);
    }

    /// <summary>
    /// Gives the row its SID and settles the entry, in one transaction. A SID that another row already holds means
    /// that row took this message for its own: this entry goes back to reconciling, where it finds its real message
    /// (or, finding none, sends), so neither row is left without its send and no SID is held twice.
    /// </summary>
    private async Task RecordCreatedAsync(OutboxEntries.Entry entry, LogRow row, Created created, string source)
    {
        var holder = await writer.WriteAsync(async (connection, transaction) =>
        {
            var holder = await connection.ExecuteScalarAsync<long?>(
                "SELECT id FROM communication_log WHERE tenant_id = @TenantId AND twilio_sid = @Sid AND id <> @Id",
                new { row.TenantId, created.Sid, row.Id }, transaction);
            if (holder is not null)
            {
                await OutboxEntries.DeferAsync(connection, transaction, entry.Id, "uncertain",
                    DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(options.Value.ReconcileDelayMs),
                    $"Twilio's {created.Sid} was already recorded for another send; reconciling again.");
                return holder;
            }

            await connection.ExecuteAsync("""
                UPDATE communication_log SET twilio_sid = @Sid, sent_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'),
                                             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
                WHERE id = @Id AND twilio_sid IS NULL
                """, new { created.Sid, row.Id }, transaction);
            var status = created.Status ?? "queued";
            await CommunicationLog.ApplyAsync(connection, row.Id, row.NetworkType,
                new CommunicationLog.StatusChange(status, source, $"{row.NetworkType}:{created.Sid}:{status}", TwilioSid: created.Sid, Segments: created.Segments),
                transaction);
            await OutboxEntries.SettleAsync(connection, transaction, entry.Id, "done");
            return null;
        });
        if (holder is not null)
            logger.LogWarning("Outbox entry {EntryId}: Twilio's {Sid} is already held by log {Holder}; reconciling again", entry.Id, created.Sid, holder);
    }

    /// <summary>
    /// The send ended in an exception nobody expected (a bug, a database hiccup). It may have happened after Twilio
    /// took the create, so the entry is reconciled before any resend, with back-off; after Outbox:MaxAttempts such
    /// ends it is failed with the reason, which shows in the history.
    /// </summary>
    public async Task RecordUnexpectedFailureAsync(OutboxEntries.Entry entry, Exception error)
    {
        var settings = options.Value;
        var reason = $"Internal error while sending ({error.GetType().Name}: {TenantTwilioClient.Truncate(error.Message)})";
        if (entry.Attempts >= settings.MaxAttempts)
        {
            LogRow? row;
            await using (var connection = await db.OpenAsync())
                row = await connection.QuerySingleOrDefaultAsync<LogRow>(LogRowSql, new { entry.LogId });
            var message = $"{reason}, {entry.Attempts} times; it was not confirmed by Twilio.";
            if (row is null) await SettleAsync(entry, "failed", message);
            else await FailAsync(entry, row, null, message);
            return;
        }

        await DeferAsync(entry, "uncertain", ReconcileAt(entry), reason + ".");
    }

    /// <param name="optedOut">Twilio refused because the person opted out (21610): the number joins the tenant's opt-outs.</param>
    private Task FailAsync(OutboxEntries.Entry entry, LogRow row, int? errorCode, string message, bool optedOut = false) =>
        writer.WriteAsync(async (connection, transaction) =>
        {
            if (optedOut) await OptOutList.AddAsync(connection, entry.TenantId, row.ToNumber, "twilio-21610", transaction);
            await CommunicationLog.ApplyAsync(connection, row.Id, row.NetworkType,
                new CommunicationLog.StatusChange(Statuses.Failed, "outbox", $"outbox:{row.Id}:failed", errorCode, message), transaction);
            await OutboxEntries.SettleAsync(connection, transaction, entry.Id, "failed", message);
        });

    private Task SettleAsync(OutboxEntries.Entry entry, string state, string? lastError = null) =>
        writer.WriteAsync((connection, transaction) => OutboxEntries.SettleAsync(connection, transaction, entry.Id, state, lastError));

    private Task DeferAsync(OutboxEntries.Entry entry, string state, DateTimeOffset dueAt, string? lastError, bool refundAttempt = false) =>
        writer.WriteAsync((connection, transaction) => OutboxEntries.DeferAsync(connection, transaction, entry.Id, state, dueAt, lastError, refundAttempt));
}

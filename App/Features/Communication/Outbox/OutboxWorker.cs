using App.Features.Sending;
using App.Twilio;
using Microsoft.Extensions.Options;

namespace App.Features.Communication.Outbox;

/// <summary>
/// The background sender. It wakes when a send is accepted (or every Outbox:PollIntervalMs), claims due entries and
/// hands them to <see cref="OutboxSender"/>; entries survive restarts and crashes because they live in the database.
/// Every Outbox:ReconcileEverySeconds it also re-fetches rows whose final status never arrived, and forgets
/// idempotency keys older than their retention.
/// </summary>
public sealed class OutboxWorker(
    IServiceScopeFactory scopes,
    Db db,
    WriteBatcher writer,
    OutboxSignal signal,
    TenantPacer pacer,
    TwilioAccounts accounts,
    TimeProvider time,
    IOptions<OutboxOptions> options,
    ILogger<OutboxWorker> logger) : BackgroundService
{
    private DateTimeOffset _nextHousekeeping = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            logger.LogInformation("The outbox worker is disabled (Outbox:Enabled=false); accepted sends wait in the outbox.");
            return;
        }

        // Let the server finish starting (the simulator and webhooks live in this process).
        await Task.Yield();

        // Stopping (SIGTERM, SIGINT) takes no new entries, but lets the Twilio requests in flight finish and be recorded:
        // cut off mid-request they would have to be reconciled after the restart. Only past the grace period are they
        // cancelled (and reconciled later, never resent blindly).
        using var inFlight = new CancellationTokenSource();
        await using var stopping = stoppingToken.Register(() => inFlight.CancelAfter(TimeSpan.FromSeconds(settings.ShutdownGraceSeconds)));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var sent = await SendDueAsync(inFlight.Token);
                if (stoppingToken.IsCancellationRequested) break;
                if (DateTimeOffset.UtcNow >= _nextHousekeeping)
                {
                    _nextHousekeeping = DateTimeOffset.UtcNow.AddSeconds(settings.ReconcileEverySeconds);
                    await ReconcileStaleRowsAsync(stoppingToken);
                    await writer.WriteAsync((connection, transaction) =>
                        Idempotency.ForgetOlderThanAsync(connection, transaction, DateTimeOffset.UtcNow - Idempotency.Retention));
                }

                if (sent == 0) await signal.WaitAsync(TimeSpan.FromMilliseconds(settings.PollIntervalMs), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception error) when (error is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or HttpRequestException)
            {
                logger.LogError(error, "Outbox pass failed; retrying shortly");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }

        logger.LogInformation("The outbox worker stopped; what was not sent waits in the outbox for the next start.");
    }

    /// <summary>One pass: claim what is due and send it. Public so tests can drive the outbox step by step.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var due = await OutboxEntries.ClaimDueAsync(writer, time.GetUtcNow(), settings.BatchSize, TimeSpan.FromSeconds(settings.LockSeconds));
        if (due.Count == 0) return 0;

        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken },
            async (entry, token) =>
            {
                await using var scope = scopes.CreateAsyncScope();
                try
                {
                    await scope.ServiceProvider.GetRequiredService<OutboxSender>().SendAsync(entry, token);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    logger.LogError(error, "Outbox entry {EntryId} failed unexpectedly", entry.Id);
                    try
                    {
                        await scope.ServiceProvider.GetRequiredService<OutboxSender>().RecordUnexpectedFailureAsync(entry, error);
                    }
                    catch (Exception recording) when (recording is not OperationCanceledException)
                    {
                        // The entry stays in_flight until its lock expires, then it is reconciled, never blindly resent.
                        logger.LogError(recording, "Outbox entry {EntryId}: could not record the failure", entry.Id);
                    }
                }
            });
        return due.Count;
    }

    private sealed class StaleRow
    {
        public long Id { get; init; }
        public string TenantId { get; init; } = "";
        public string NetworkType { get; init; } = "";
        public string TwilioSid { get; init; } = "";
    }

    /// <summary>
    /// Rows still not final after Outbox:StaleAfterSeconds, and finished billable rows still without a cost, are
    /// re-fetched from Twilio within the tenant's pacing. History brought over by the legacy import is never re-fetched.
    /// </summary>
    public async Task<int> ReconcileStaleRowsAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        List<StaleRow> stale;
        await using (var connection = await db.OpenAsync(cancellationToken))
        {
            stale = (await connection.QueryAsync<StaleRow>("""
                SELECT id, tenant_id, network_type, twilio_sid FROM communication_log
                WHERE status_rank < 4 AND twilio_sid IS NOT NULL AND direction = 'outbound' AND updated_at < @staleCutoff AND legacy_id IS NULL
                UNION
                SELECT id, tenant_id, network_type, twilio_sid FROM communication_log
                WHERE cost_amount IS NULL AND twilio_sid IS NOT NULL AND status_rank >= 4 AND direction = 'outbound'
                  AND status IN ('sent', 'delivered', 'undelivered', 'read', 'completed')
                  AND updated_at < @costCutoff AND updated_at > @costWindow AND legacy_id IS NULL
                LIMIT 50
                """, new
            {
                staleCutoff = Db.Timestamp(DateTimeOffset.UtcNow.AddSeconds(-settings.StaleAfterSeconds)),
                costCutoff = Db.Timestamp(DateTimeOffset.UtcNow.AddSeconds(-settings.CostFetchAfterSeconds)),
                costWindow = Db.Timestamp(DateTimeOffset.UtcNow.AddDays(-2)),
            })).AsList();
        }

        var refreshed = 0;
        foreach (var row in stale)
        {
            if (!pacer.TryAcquire(row.TenantId)) continue;
            var account = await accounts.FindAsync(row.TenantId, cancellationToken);
            if (account?.Credentials is null) continue;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var twilio = scope.ServiceProvider.GetRequiredService<TwilioRest>();
                await using var connection = await db.OpenAsync(cancellationToken);
                await TwilioRefresh.RefreshAsync(connection, twilio, account.Credentials, row.Id, row.NetworkType, row.TwilioSid, cancellationToken);
                // Touch the row so it is not picked again on the next pass while Twilio still reports it in progress.
                await connection.ExecuteAsync("UPDATE communication_log SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = @Id", new { row.Id });
                refreshed++;
            }
            catch (TwilioException error)
            {
                logger.LogWarning("Reconciling log {LogId} failed: {Reason}", row.Id, error.Message);
            }
        }

        return refreshed;
    }
}

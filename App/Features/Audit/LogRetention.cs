using Microsoft.Extensions.Options;

namespace App.Features.Audit;

/// <summary>The <c>Retention</c> section. 0 keeps a log forever.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    public int AuditDays { get; set; } = 365;

    public int ErrorDays { get; set; } = 90;

    /// <summary>Time between pruning passes (the first runs at start).</summary>
    public TimeSpan Every { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rows deleted per statement: small steps keep each write transaction short for the sends beside it.</summary>
    public int BatchSize { get; set; } = 500;
}

/// <summary>
/// Deletes audit_log and error_log rows older than their retention, in the background, a batch at a time with a
/// pause between batches. The audit trail is append-only in the database; its delete trigger lets through only rows
/// older than the period recorded in <c>retention_policy</c>, which this service writes from configuration at start.
/// So a bug or a stray statement still cannot remove recent audit rows.
/// </summary>
public sealed class LogRetention(Db db, IOptions<RetentionOptions> options, TimeProvider time, ILogger<LogRetention> logger) : BackgroundService
{
    private static readonly TimeSpan PauseBetweenBatches = TimeSpan.FromMilliseconds(50);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first pass runs in the background: the server starts serving without waiting for it.
        await Task.Yield();
        var every = options.Value.Every > TimeSpan.Zero ? options.Value.Every : TimeSpan.FromHours(1);
        using var timer = new PeriodicTimer(every, time);
        do
        {
            try
            {
                await PruneAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Log retention could not finish this pass; it will try again");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using (var connection = await db.OpenAsync(cancellationToken))
        {
            if (settings.AuditDays > 0)
                await connection.ExecuteAsync("""
                    INSERT INTO retention_policy (table_name, keep_days) VALUES ('audit_log', @days)
                    ON CONFLICT (table_name) DO UPDATE SET keep_days = excluded.keep_days
                    """, new { days = settings.AuditDays });
            else await connection.ExecuteAsync("DELETE FROM retention_policy WHERE table_name = 'audit_log'");
        }

        var now = time.GetUtcNow();
        var audit = settings.AuditDays > 0 ? await PruneAsync("audit_log", "occurred_at", now.AddDays(-settings.AuditDays), cancellationToken) : 0;
        var errors = settings.ErrorDays > 0 ? await PruneAsync("error_log", "created_at", now.AddDays(-settings.ErrorDays), cancellationToken) : 0;
        if (audit + errors > 0) logger.LogInformation("Log retention removed {Audit} audit and {Errors} error rows", audit, errors);
    }

    /// <summary>
    /// Oldest rows first, by id: each step looks at the next batch of the oldest ids only, so it never scans the
    /// table, and it stops at the first batch that holds anything young enough to keep.
    /// </summary>
    private async Task<int> PruneAsync(string table, string timeColumn, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var batch = Math.Max(1, options.Value.BatchSize);
        var total = 0;
        while (true)
        {
            int deleted;
            await using (var connection = await db.OpenAsync(cancellationToken))
                deleted = await connection.ExecuteAsync($"""
                    DELETE FROM {table}
                    WHERE id IN (SELECT id FROM {table} ORDER BY id LIMIT @batch) AND {timeColumn} < @cutoff
                    """, new { batch, cutoff = Db.Timestamp(cutoff) });
            total += deleted;
            if (deleted < batch) return total;
            await Task.Delay(PauseBetweenBatches, time, cancellationToken);
        }
    }
}

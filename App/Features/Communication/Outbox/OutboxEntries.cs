using App.Infrastructure.Database;
using Dapper;
using Microsoft.Data.Sqlite;

namespace App.Features.Communication.Outbox;

/// <summary>The outbox table: written with the log row in the send's transaction, claimed and settled by the worker.</summary>
public static class OutboxEntries
{
    public sealed class Entry
    {
        public long Id { get; init; }
        public string TenantId { get; init; } = "";
        public long LogId { get; init; }
        public string Kind { get; init; } = "";
        public string State { get; init; } = "";
        public long Attempts { get; init; }
        public DateTimeOffset CreatedAt { get; init; }

        /// <summary>Twilio may already have it: an uncertain create, or a worker that died holding the entry.</summary>
        public bool NeedsReconciliation => State is "uncertain" or "in_flight";
    }

    public static Task EnqueueAsync(SqliteConnection connection, SqliteTransaction transaction, string tenantId, long logId, string kind, DateTimeOffset dueAt)
    {
        PreparedStatements.Execute(connection, transaction,
            "INSERT INTO outbox (tenant_id, log_id, kind, due_at) VALUES (@tenantId, @logId, @kind, @dueAt)",
            new { tenantId, logId, kind, dueAt = Db.Timestamp(dueAt) });
        return Task.CompletedTask;
    }

    /// <summary>
    /// Takes up to <paramref name="limit"/> due entries: pending or uncertain ones whose time has come, and in-flight
    /// ones whose lock expired (their worker died). They keep their previous state in the returned entry.
    /// </summary>
    public static async Task<IReadOnlyList<Entry>> ClaimDueAsync(Db db, int limit, TimeSpan lockFor, CancellationToken cancellationToken)
    {
        var now = Db.Timestamp(DateTimeOffset.UtcNow);
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var due = (await connection.QueryAsync<Entry>("""
            SELECT id, tenant_id, log_id, kind, state, attempts, created_at FROM outbox
            WHERE (state IN ('pending', 'uncertain') AND due_at <= @now) OR (state = 'in_flight' AND locked_until <= @now)
            ORDER BY due_at LIMIT @limit
            """, new { now, limit }, transaction)).AsList();
        if (due.Count > 0)
        {
            await connection.ExecuteAsync("""
                UPDATE outbox SET state = 'in_flight', locked_until = @lockedUntil, attempts = attempts + 1,
                                  updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
                WHERE id IN @ids
                """, new { ids = due.Select(e => e.Id), lockedUntil = Db.Timestamp(DateTimeOffset.UtcNow + lockFor) }, transaction);
        }

        await transaction.CommitAsync(cancellationToken);
        return due;
    }

    public static Task SettleAsync(SqliteConnection connection, long id, string state, string? lastError = null) =>
        connection.ExecuteAsync("""
            UPDATE outbox SET state = @state, locked_until = NULL, last_error = @lastError, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
            WHERE id = @id
            """, new { id, state, lastError });

    /// <summary>Back to waiting: <paramref name="state"/> is pending (retry) or uncertain (reconcile first).</summary>
    public static Task DeferAsync(SqliteConnection connection, long id, string state, DateTimeOffset dueAt, string? lastError, bool refundAttempt = false) =>
        connection.ExecuteAsync("""
            UPDATE outbox SET state = @state, due_at = @dueAt, locked_until = NULL, last_error = COALESCE(@lastError, last_error),
                              attempts = attempts - @refund, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
            WHERE id = @id
            """, new { id, state, dueAt = Db.Timestamp(dueAt), lastError, refund = refundAttempt ? 1 : 0 });
}

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

    /// <summary>The states of an entry not settled yet: waiting, to be reconciled, or with a worker (SQL, for <c>state IN ...</c>).</summary>
    public const string UnsettledStates = "('pending', 'uncertain', 'in_flight')";

    /// <summary>A send someone asked for just now (the API, the admin UI): claimed before any campaign row.</summary>
    public const int OneOffPriority = 0;

    /// <summary>A row of a campaign: claimed only when no one-off send is due.</summary>
    public const int CampaignPriority = 1;

    /// <param name="body">The SMS text; null for a call.</param>
    public static Task EnqueueAsync(SqliteConnection connection, SqliteTransaction transaction, string tenantId, long logId, string kind,
        DateTimeOffset dueAt, string to, string from, string? body, int priority = OneOffPriority)
    {
        PreparedStatements.Execute(connection, transaction,
            "INSERT INTO outbox (tenant_id, log_id, kind, due_at, twin_key, priority) VALUES (@tenantId, @logId, @kind, @dueAt, @twinKey, @priority)",
            new { tenantId, logId, kind, dueAt = Db.Timestamp(dueAt), twinKey = TwinKey(tenantId, kind, to, from, body), priority });
        return Task.CompletedTask;
    }

    /// <summary>
    /// Withdraws the entries of these log rows that no worker has taken yet (pending); the log ids of those withdrawn.
    /// An entry in flight or uncertain may already be at Twilio and is left to finish.
    /// </summary>
    public static async Task<IReadOnlyList<long>> WithdrawPendingAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<long> logIds) =>
        (await connection.QueryAsync<long>("""
            UPDATE outbox SET state = 'withdrawn', locked_until = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
            WHERE log_id IN @logIds AND state = 'pending'
            RETURNING log_id
            """, new { logIds }, transaction)).AsList();

    /// <summary>
    /// Sends that Twilio's records cannot tell apart share a key: an SMS is known there by To, From and body, a call
    /// only by To and From. See <see cref="ClaimDueAsync"/> for why it matters.
    /// </summary>
    public static string TwinKey(string tenantId, string kind, string to, string from, string? body)
    {
        var identity = string.Join('\n', tenantId, kind, to, from, kind == "sms" ? body ?? "" : "");
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(identity)))[..32];
    }

    /// <summary>
    /// Takes up to <paramref name="limit"/> due entries: pending or uncertain ones whose time has come, and in-flight
    /// ones whose lock expired (their worker died). They keep their previous state in the returned entry.
    /// Twins go to Twilio one at a time: an entry is not taken while a twin is in flight or uncertain, and of due twins
    /// only the oldest is taken. So when an uncertain create is reconciled, no twin's create can be under way, and a
    /// message found at Twilio that no row owns yet can only be this entry's own (or, after a crash, an equally
    /// uncertain twin's, which is the same message to the same person).
    /// One-off sends come before campaign rows (<see cref="CampaignPriority"/>), then the longest due first.
    /// </summary>
    /// <remarks>
    /// A unit of the <see cref="WriteBatcher"/>: a claim is a write, and a write of its own would wait on SQLite's lock
    /// behind the batcher's commits and make them wait in turn (bench/README.md, "Sends waiting on the write lock").
    /// Each priority is read as one range of the partial index on (priority, due_at), so a claim reads the due entries
    /// only, however many wait for later or were sent long ago.
    /// </remarks>
    public static Task<IReadOnlyList<Entry>> ClaimDueAsync(WriteBatcher writer, DateTimeOffset asOf, int limit, TimeSpan lockFor) =>
        writer.WriteAsync<IReadOnlyList<Entry>>(async (connection, transaction) =>
        {
            var now = Db.Timestamp(asOf);
            var due = new List<Entry>(limit);
            foreach (var priority in (int[])[OneOffPriority, CampaignPriority])
            {
                due.AddRange(await connection.QueryAsync<Entry>($"""
                    SELECT o.id, o.tenant_id, o.log_id, o.kind, o.state, o.attempts, o.created_at FROM outbox o
                    WHERE o.state IN {UnsettledStates} AND o.priority = @priority AND o.due_at <= @now
                      AND (o.state <> 'in_flight' OR o.locked_until <= @now)
                      AND NOT EXISTS (
                          SELECT 1 FROM outbox twin
                          WHERE twin.twin_key = o.twin_key AND twin.id <> o.id AND twin.state IN {UnsettledStates}
                            AND ((twin.state IN ('uncertain', 'in_flight') AND (o.state = 'pending' OR twin.id < o.id))
                                 OR (twin.state = 'pending' AND o.state = 'pending' AND twin.id < o.id AND twin.due_at <= @now)))
                    ORDER BY o.due_at LIMIT @remaining
                    """, new { now, priority, remaining = limit - due.Count }, transaction));
                if (due.Count == limit) break;
            }

            if (due.Count > 0)
            {
                await connection.ExecuteAsync("""
                    UPDATE outbox SET state = 'in_flight', locked_until = @lockedUntil, attempts = attempts + 1,
                                      updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
                    WHERE id IN @ids
                    """, new { ids = due.Select(e => e.Id), lockedUntil = Db.Timestamp(asOf + lockFor) }, transaction);
            }

            return due;
        });

    public static Task SettleAsync(SqliteConnection connection, SqliteTransaction transaction, long id, string state, string? lastError = null) =>
        connection.ExecuteAsync("""
            UPDATE outbox SET state = @state, locked_until = NULL, last_error = @lastError, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
            WHERE id = @id
            """, new { id, state, lastError }, transaction);

    /// <summary>Back to waiting: <paramref name="state"/> is pending (retry) or uncertain (reconcile first).</summary>
    public static Task DeferAsync(SqliteConnection connection, SqliteTransaction transaction, long id, string state, DateTimeOffset dueAt, string? lastError,
        bool refundAttempt = false) =>
        connection.ExecuteAsync("""
            UPDATE outbox SET state = @state, due_at = @dueAt, locked_until = NULL, last_error = COALESCE(@lastError, last_error),
                              attempts = attempts - @refund, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
            WHERE id = @id
            """, new { id, state, dueAt = Db.Timestamp(dueAt), lastError, refund = refundAttempt ? 1 : 0 }, transaction);
}

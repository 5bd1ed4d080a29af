using Dapper;
using Microsoft.Data.Sqlite;

namespace App.Features.Communication;

/// <summary>
/// Status changes of a communication_log row, from any source (the outbox, Twilio callbacks, reconciliation, a
/// status refresh). Each change is recorded once in status_events (its dedupe key makes repeats no-ops) and moves
/// the row only forward (DECISIONS 14).
/// </summary>
public static class CommunicationLog
{
    public sealed record StatusChange(
        string Status,
        string Source,
        string DedupeKey,
        int? ErrorCode = null,
        string? ErrorMessage = null,
        string? TwilioSid = null,
        decimal? Cost = null,
        string? CostCurrency = null,
        int? DurationSeconds = null,
        string? AnsweredBy = null,
        int? Segments = null);

    public enum Outcome { Duplicate, Applied, Stale }

    public static async Task<Outcome> ApplyAsync(SqliteConnection connection, long logId, string channel, StatusChange change, SqliteTransaction? transaction = null)
    {
        var rank = Statuses.Rank(channel, change.Status);
        var isNewEvent = await connection.ExecuteAsync("""
            INSERT INTO status_events (log_id, status, error_code, source, dedupe_key)
            VALUES (@logId, @Status, @ErrorCode, @Source, @DedupeKey)
            ON CONFLICT (dedupe_key) DO NOTHING
            """, new { logId, change.Status, change.ErrorCode, change.Source, change.DedupeKey }, transaction) == 1;

        var hasDetails = change.TwilioSid is not null || change.Cost is not null || change.DurationSeconds is not null
            || change.AnsweredBy is not null || change.Segments is not null;
        if (!isNewEvent && !hasDetails) return Outcome.Duplicate;

        var current = await connection.QuerySingleOrDefaultAsync<(string? Status, long Rank)>(
            "SELECT status, status_rank FROM communication_log WHERE id = @logId", new { logId }, transaction);
        var movesForward = isNewEvent && (rank > current.Rank || (change.Status == "read" && current.Status == "delivered"));

        // Details (cost, duration, answered_by, sid) are facts whenever they arrive, even on a repeated event; the status
        // only moves forward, and only on a new event. The CASE guards repeat the rank check inside the write, so a
        // concurrent change can never move the row backwards.
        await connection.ExecuteAsync("""
            UPDATE communication_log SET
                status        = CASE WHEN @movesForward AND (@rank > status_rank OR (@Status = 'read' AND status = 'delivered')) THEN @Status ELSE status END,
                error_code    = CASE WHEN @movesForward AND @rank > status_rank AND @ErrorCode IS NOT NULL THEN @ErrorCode ELSE error_code END,
                error_message = CASE WHEN @movesForward AND @rank > status_rank AND @ErrorMessage IS NOT NULL THEN @ErrorMessage ELSE error_message END,
                status_rank   = CASE WHEN @movesForward THEN MAX(status_rank, @rank) ELSE status_rank END,
                twilio_sid    = COALESCE(twilio_sid, @TwilioSid),
                cost_amount   = COALESCE(@Cost, cost_amount),
                cost_currency = COALESCE(@CostCurrency, cost_currency),
                duration_seconds = COALESCE(@DurationSeconds, duration_seconds),
                answered_by   = COALESCE(@AnsweredBy, answered_by),
                segments      = COALESCE(@Segments, segments),
                updated_at    = strftime('%Y-%m-%dT%H:%M:%fZ','now')
            WHERE id = @logId
            """, new
        {
            logId, rank, movesForward, change.Status, change.ErrorCode,
            ErrorMessage = change.ErrorMessage ?? TwilioErrorCodes.Describe(change.ErrorCode),
            change.TwilioSid, change.Cost, change.CostCurrency, change.DurationSeconds, change.AnsweredBy, change.Segments,
        }, transaction);
        return !isNewEvent ? Outcome.Duplicate : movesForward ? Outcome.Applied : Outcome.Stale;
    }

    /// <summary>Twilio prices are negative strings ("-0.00750"); the log keeps the positive cost.</summary>
    public static decimal? CostFrom(string? twilioPrice) =>
        decimal.TryParse(twilioPrice, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var price)
            ? Math.Abs(price)
            : null;
}

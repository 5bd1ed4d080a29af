using Microsoft.Data.Sqlite;

namespace App.Features.Communication;

/// <summary>
/// The one place communication_log rows and their status_events are written. A row is inserted with its first status
/// event (<see cref="InsertAsync"/>); every later change, from any source (the outbox, Twilio callbacks, reconciliation, a
/// status refresh). Each change is recorded once in status_events (its dedupe key makes repeats no-ops) and moves
/// the row only forward (see docs/decisions.md, "Twilio behaviour").
/// </summary>
public static class CommunicationLog
{
    /// <summary>A new row: an accepted send (outbound) or a message or call Twilio told us about (inbound, with its SID).</summary>
    public sealed record NewRow(
        string TenantId,
        string Channel,
        string Direction,
        string To,
        string From,
        string? Content,
        string Status,
        string? TwilioSid = null,
        int? Segments = null,
        string? Encoding = null,
        string? XmlFileName = null,
        long? VoiceMessageId = null,
        DateTimeOffset? SendAt = null,
        string? CreatedBy = null,
        string? ClientId = null);

    /// <summary>
    /// Inserts the row and its first status event (source <paramref name="eventSource"/>; the event key defaults to
    /// "{channel}:log{id}:{status}"). Null when a row with the same Twilio SID is already there: a repeated callback.
    /// Runs on the write batch thousands of times a second, hence the prepared statements.
    /// </summary>
    public static Task<long?> InsertAsync(SqliteConnection connection, SqliteTransaction transaction, NewRow row, string eventSource,
        string? eventKey = null)
    {
        var logId = PreparedStatements.ExecuteScalar<long?>(connection, transaction, """
            INSERT INTO communication_log (tenant_id, network_type, direction, to_number, from_number, message_content, status, status_rank,
                                           twilio_sid, segments, encoding, xml_filename, voice_message_id, send_at, created_by, client_id)
            VALUES (@TenantId, @Channel, @Direction, @To, @From, @Content, @Status, @Rank,
                    @TwilioSid, @Segments, @Encoding, @XmlFileName, @VoiceMessageId, @SendAt, @CreatedBy, @ClientId)
            ON CONFLICT (tenant_id, twilio_sid) WHERE twilio_sid IS NOT NULL DO NOTHING
            RETURNING id
            """, new
        {
            row.TenantId, row.Channel, row.Direction, row.To, row.From, row.Content, row.Status,
            Rank = Math.Max(0, Statuses.Rank(row.Channel, row.Status)),
            row.TwilioSid, row.Segments, row.Encoding, row.XmlFileName, row.VoiceMessageId,
            SendAt = row.SendAt is { } at ? Db.Timestamp(at) : null, row.CreatedBy, row.ClientId,
        });
        if (logId is { } id)
        {
            PreparedStatements.Execute(connection, transaction, """
                INSERT INTO status_events (log_id, status, source, dedupe_key) VALUES (@id, @Status, @eventSource, @key)
                ON CONFLICT (dedupe_key) DO NOTHING
                """, new { id, row.Status, eventSource, key = eventKey ?? $"{row.Channel}:log{id}:{row.Status}" });
        }

        return Task.FromResult(logId);
    }

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

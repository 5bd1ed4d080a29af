using System.Text.Json;
using App.Features.Sending;
using App.Features.Spend;
using App.Twilio;
using Microsoft.Data.Sqlite;

namespace App.Features.Campaigns;

/// <summary>
/// A campaign as stored, as the API shows it, and the counts that show its progress. A new campaign is "checking"
/// (invisible: its rows are being stored) until it becomes a draft; then running, completed or cancelled.
/// </summary>
public static class Campaign
{
    public const string Draft = "draft";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";

    public sealed class Row
    {
        public long Id { get; init; }
        public string TenantId { get; init; } = "";
        public string Name { get; init; } = "";
        public string Channel { get; init; } = "";
        public string? Message { get; init; }
        public long? VoiceMessageId { get; init; }
        public string FromNumber { get; init; } = "";
        public DateTimeOffset? SendAt { get; init; }
        public string State { get; init; } = "";
        public string? FileName { get; init; }
        public string? Separator { get; init; }
        public string Columns { get; init; } = "[]";
        public long RowsTotal { get; init; }
        public long RowsValid { get; init; }
        public long SegmentsTotal { get; init; }
        public double? EstimatedCost { get; init; }
        public string? CreatedBy { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset? StartedAt { get; init; }
        public DateTimeOffset? CompletedAt { get; init; }
        public DateTimeOffset? CancelledAt { get; init; }
    }

    public const string Columns = """
        id, tenant_id, name, channel, message, voice_message_id, from_number, send_at, state, file_name, separator, columns,
        rows_total, rows_valid, segments_total, estimated_cost, created_by, created_at, started_at, completed_at, cancelled_at
        """;

    /// <summary>The tenant's campaign; never one still being checked, never another tenant's.</summary>
    public static Task<Row?> FindAsync(SqliteConnection connection, string tenantId, long id, SqliteTransaction? transaction = null) =>
        connection.QuerySingleOrDefaultAsync<Row?>(
            $"SELECT {Columns} FROM campaigns WHERE id = @id AND tenant_id = @tenantId AND state <> 'checking'", new { id, tenantId }, transaction);

    public static IResult NotFound() =>
        Api.Error(StatusCodes.Status404NotFound, ErrorCodes.CampaignNotFound, "No campaign of this tenant has this id.");

    /// <summary>
    /// A campaign sends only what a single send may: a call needs the send_voice permission, and the tenant its Twilio
    /// credentials and sending number. The account it sends from, or the refusal.
    /// </summary>
    public static async Task<(TwilioAccounts.Account? Account, IResult? Refusal)> CheckSenderAsync(CurrentTenant tenant, string channel,
        TwilioAccounts accounts, CancellationToken ct)
    {
        if (channel == "call" && !tenant.Actor.Can(Permissions.SendVoice))
            return (null, Api.Error(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "Sending calls needs the send_voice permission."));
        var account = await accounts.FindAsync(tenant.Id, ct);
        if (account?.MissingConfiguration is { } missing)
            return (null, Api.Error(StatusCodes.Status422UnprocessableEntity, ErrorCodes.TwilioNotConfigured, missing));
        return (account, null);
    }

    /// <summary>App is stopping (a deploy, Fly's auto-stop): nothing was changed; the client retries in a moment.</summary>
    public static IResult ShuttingDown(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "5";
        return Api.Error(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ShuttingDown, "The server is restarting; nothing was stored. Retry in a few seconds.");
    }

    /// <param name="Rows">The spreadsheet's rows: total, valid (will be sent), and those the check refused, by reason.</param>
    /// <param name="Progress">Valid rows by where they are: waiting (not handed to the outbox yet), skipped, and by message status.</param>
    /// <param name="NextSendAt">When the next row goes, while some wait: later than now when send_at or quiet hours hold them.</param>
    /// <param name="HeldBySpendCap">Rows wait because the next one would take the tenant over its monthly spend cap; they go once the cap is raised or the month ends.</param>
    public sealed record View(
        long Id, string Name, string Channel, string? Message, long? VoiceMessageId, string From, DateTimeOffset? SendAt, string State,
        string? FileName, IReadOnlyList<string> Columns, RowCounts Rows, Progress Progress, long SegmentsTotal, decimal? EstimatedCost,
        string Currency, DateTimeOffset? NextSendAt, bool QuietHoursNow, bool HeldBySpendCap, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt,
        DateTimeOffset? CompletedAt, DateTimeOffset? CancelledAt);

    public sealed record RowCounts(long Total, long Valid, long Problems, IReadOnlyDictionary<string, long> ProblemsByCode);

    /// <param name="Queued">Handed to the outbox (any status since).</param>
    /// <param name="Finished">Reached a final status (delivered, failed, completed, ...).</param>
    public sealed record Progress(long Waiting, long Skipped, long Queued, long Finished, long Succeeded, long Failed,
        IReadOnlyDictionary<string, long> ByStatus);

    private sealed class Totals
    {
        public long Total { get; init; }
        public long Valid { get; init; }
        public long Waiting { get; init; }
        public long Skipped { get; init; }
    }

    public static async Task<View> ViewAsync(SqliteConnection connection, Row row, TenantSettings settings, SpendCaps spendCaps, DateTimeOffset now)
    {
        var totals = await connection.QuerySingleAsync<Totals>("""
            SELECT COUNT(*) AS total,
                   COALESCE(SUM(problem_code IS NULL), 0) AS valid,
                   COALESCE(SUM(problem_code IS NULL AND log_id IS NULL AND skipped IS NULL), 0) AS waiting,
                   COALESCE(SUM(skipped IS NOT NULL), 0) AS skipped
            FROM campaign_rows WHERE campaign_id = @Id
            """, new { row.Id });
        var problems = (await connection.QueryAsync<(string Code, long Count)>("""
            SELECT problem_code, COUNT(*) FROM campaign_rows WHERE campaign_id = @Id AND problem_code IS NOT NULL GROUP BY problem_code
            """, new { row.Id })).ToDictionary(p => p.Code, p => p.Count, StringComparer.Ordinal);
        var byStatus = (await connection.QueryAsync<(string Status, long Count)>("""
            SELECT COALESCE(l.status, ''), COUNT(*) FROM campaign_rows r JOIN communication_log l ON l.id = r.log_id
            WHERE r.campaign_id = @Id GROUP BY l.status
            """, new { row.Id })).ToDictionary(p => p.Status, p => p.Count, StringComparer.Ordinal);

        var finished = byStatus.Where(s => Communication.Statuses.IsFinal(row.Channel, s.Key)).Sum(s => s.Value);
        var failed = byStatus.Where(s => Communication.Statuses.Failures.Contains(s.Key)).Sum(s => s.Value);
        var progress = new Progress(totals.Waiting, totals.Skipped, byStatus.Values.Sum(), finished, finished - failed, failed, byStatus);

        DateTimeOffset? next = null;
        if (row.State is Draft or Running && totals.Waiting > 0)
            next = QuietHours.NextAllowed(settings, row.SendAt is { } at && at > now ? at : now);

        var heldBySpendCap = false;
        if (row.State is Draft or Running && totals.Waiting > 0 && spendCaps.CapFor(settings) is { } cap)
        {
            var spent = await MonthlySpend.ReadAsync(connection, row.TenantId, MonthlySpend.MonthOf(now), spendCaps.Rates);
            var segmentsPerRow = totals.Valid > 0 ? (int)Math.Ceiling((double)row.SegmentsTotal / totals.Valid) : 1;
            heldBySpendCap = Micros.ToUsd(spent + spendCaps.Estimate(row.Channel, segmentsPerRow)) > cap.CapUsd;
        }

        return new View(row.Id, row.Name, row.Channel, row.Message, row.VoiceMessageId, row.FromNumber, row.SendAt, row.State, row.FileName,
            JsonSerializer.Deserialize<string[]>(row.Columns) ?? [],
            new RowCounts(totals.Total, totals.Valid, totals.Total - totals.Valid, problems),
            progress, row.SegmentsTotal, row.EstimatedCost is { } cost ? Math.Round((decimal)cost, 4) : null, "USD",
            next, QuietHours.IsQuiet(settings, now), heldBySpendCap, row.CreatedAt, row.StartedAt, row.CompletedAt, row.CancelledAt);
    }

    /// <summary>
    /// About when the row that is <paramref name="position"/>th in line (0 = next) goes, at the tenant's pace, from
    /// <paramref name="start"/> on; time inside quiet hours does not count. An estimate: one-off sends go first.
    /// </summary>
    public static DateTimeOffset EstimateSendTime(TenantSettings settings, DateTimeOffset start, long position, double sendsPerSecond)
    {
        var moment = QuietHours.NextAllowed(settings, start);
        var left = position / Math.Max(0.1, sendsPerSecond);
        for (var step = 0; step < 10_000 && left > 0; step++)
        {
            var seconds = Math.Min(left, 300);
            var next = moment.AddSeconds(seconds);
            moment = QuietHours.NextAllowed(settings, next);
            left -= seconds;
        }

        return moment;
    }
}

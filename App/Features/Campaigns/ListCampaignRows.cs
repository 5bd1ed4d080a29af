using System.Globalization;
using System.Text;
using System.Text.Json;
using App.Features.Communication;
using App.Features.Communication.Outbox;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace App.Features.Campaigns;

/// <summary>
/// GET /api/campaigns/{id}/rows?show=&amp;q=&amp;page=&amp;per_page= — the spreadsheet's rows in file order, each with its
/// check and its outcome. <c>show</c>: all (default), problems (refused by the check), valid, waiting (not handed to the
/// outbox yet), sent (handed to it), delivered, failed. <c>q</c> finds a number. A waiting row says about when it goes
/// (<c>goes_at</c>: the tenant's pace, send_at and quiet hours). <c>format=csv</c> streams every row of the same
/// query with its outcome, for a spreadsheet.
/// </summary>
public static class ListCampaignRows
{
    /// <param name="Outcome">refused (the check), waiting, skipped (opted out after the check), cancelled (never sent), or the message's status.</param>
    public sealed record Item(int Line, string ToInput, string? To, IReadOnlyDictionary<string, string> Variables, string? ProblemCode, string? Problem,
        int? Segments, string Outcome, long? LogId, int? ErrorCode, string? ErrorMessage, string? TwilioSid, DateTimeOffset? SentAt, decimal? Cost,
        DateTimeOffset? GoesAt);

    internal sealed class Row
    {
        public int Line { get; init; }
        public string ToInput { get; init; } = "";
        public string? ToNumber { get; init; }
        public string Variables { get; init; } = "{}";
        public string? ProblemCode { get; init; }
        public string? Problem { get; init; }
        public int? Segments { get; init; }
        public long? LogId { get; init; }
        public string? Skipped { get; init; }
        public string? Status { get; init; }
        public int? ErrorCode { get; init; }
        public string? ErrorMessage { get; init; }
        public string? TwilioSid { get; init; }
        public DateTimeOffset? SentAt { get; init; }
        public decimal? CostAmount { get; init; }

        public bool IsWaiting => ProblemCode is null && LogId is null && Skipped is null;

        public string Outcome(string campaignState) =>
            ProblemCode is not null ? "refused"
            : Skipped is not null ? "skipped"
            : LogId is not null ? Status ?? "queued"
            : campaignState == Campaign.Cancelled ? "cancelled"
            : "waiting";
    }

    private const string Select = """
        SELECT r.row_number AS line, r.to_input, r.to_number, r.variables, r.problem_code, r.problem, r.segments, r.log_id, r.skipped,
               l.status, l.error_code, l.error_message, l.twilio_sid, l.sent_at, CAST(l.cost_amount AS REAL) AS cost_amount
        FROM campaign_rows r LEFT JOIN communication_log l ON l.id = r.log_id
        """;

    private const string Waiting = "r.problem_code IS NULL AND r.log_id IS NULL AND r.skipped IS NULL";

    private static readonly Dictionary<string, string> Shows = new(StringComparer.Ordinal)
    {
        ["all"] = "1 = 1",
        ["problems"] = "r.problem_code IS NOT NULL",
        ["valid"] = "r.problem_code IS NULL",
        ["waiting"] = Waiting,
        ["sent"] = "r.log_id IS NOT NULL",
        ["delivered"] = "l.status IN ('delivered', 'read', 'completed')",
        ["failed"] = $"(l.status IN {Statuses.FailuresSql} OR r.skipped IS NOT NULL)",
    };

    public static async Task<IResult> Handle(long id, string? show, string? q, string? format, int? page, [FromQuery(Name = "per_page")] int? perPage,
        CurrentTenant tenant, Db db, TenantDirectory directory, TimeProvider time, IOptions<OutboxOptions> outbox, CancellationToken ct)
    {
        show = string.IsNullOrWhiteSpace(show) ? "all" : show.Trim().ToLowerInvariant();
        if (!Shows.TryGetValue(show, out var filter))
            return Validation.Problem("show", $"show is one of {string.Join(", ", Shows.Keys)}.");

        await using var connection = await db.OpenAsync(ct);
        var campaign = await Campaign.FindAsync(connection, tenant.Id, id);
        if (campaign is null) return Campaign.NotFound();

        var where = $"WHERE r.campaign_id = @id AND {filter} AND (@q IS NULL OR r.to_input LIKE @q ESCAPE '\\' OR r.to_number LIKE @q ESCAPE '\\')";
        var parameters = new DynamicParameters(new { id, q = string.IsNullOrWhiteSpace(q) ? null : SqlLike.Containing(q.Trim()) });

        if (string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase))
            return new RowsCsv(db, $"{Select} {where} ORDER BY r.row_number", parameters, campaign,
                $"campaign-{id}-rows-{time.GetUtcNow().UtcDateTime:yyyyMMdd-HHmmss}.csv");

        var request = PageRequest.From(page, perPage);
        parameters.AddDynamicParams(new { limit = request.PerPage, offset = request.Offset });
        var total = await connection.ExecuteScalarAsync<long>(
            $"SELECT COUNT(*) FROM campaign_rows r LEFT JOIN communication_log l ON l.id = r.log_id {where}", parameters);
        var rows = (await connection.QueryAsync<Row>($"{Select} {where} ORDER BY r.row_number LIMIT @limit OFFSET @offset", parameters)).AsList();

        var settings = await directory.SettingsAsync(tenant.Id, ct) ?? new TenantSettings();
        var now = time.GetUtcNow();
        var start = campaign.SendAt is { } at && at > now ? at : now;
        var items = new List<Item>(rows.Count);
        foreach (var row in rows)
        {
            DateTimeOffset? goesAt = null;
            if (row.IsWaiting && campaign.State is Campaign.Draft or Campaign.Running)
            {
                var ahead = await connection.ExecuteScalarAsync<long>(
                    $"SELECT COUNT(*) FROM campaign_rows r WHERE r.campaign_id = @id AND {Waiting} AND r.row_number < @Line", new { id, row.Line });
                goesAt = Campaign.EstimateSendTime(settings, start, ahead, outbox.Value.TenantSendsPerSecond);
            }

            items.Add(new Item(row.Line, row.ToInput, row.ToNumber, JsonSerializer.Deserialize<Dictionary<string, string>>(row.Variables) ?? [],
                row.ProblemCode, row.Problem, row.Segments, row.Outcome(campaign.State), row.LogId, row.ErrorCode, row.ErrorMessage, row.TwilioSid,
                row.SentAt, row.CostAmount, goesAt));
        }

        return Api.Page(items, request, total);
    }

    /// <summary>Streams the rows as CSV: the file's own columns first, then the check and the outcome of each.</summary>
    private sealed class RowsCsv(Db db, string sql, DynamicParameters parameters, Campaign.Row campaign, string fileName) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            var variables = JsonSerializer.Deserialize<string[]>(campaign.Columns) ?? [];
            context.Response.ContentType = "text/csv; charset=utf-8";
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 16 * 1024);
            string[] header = ["line", "to", .. variables, "e164", "check", "problem", "segments", "outcome", "error_code", "error_message", "twilio_sid", "sent_at", "cost"];
            await writer.WriteLineAsync(string.Join(',', header.Select(HistoryCsv.Text)));
            await using var connection = await db.OpenAsync(context.RequestAborted);
            await foreach (var row in connection.QueryUnbufferedAsync<Row>(sql, parameters).WithCancellation(context.RequestAborted))
            {
                var values = JsonSerializer.Deserialize<Dictionary<string, string>>(row.Variables) ?? [];
                string[] fields =
                [
                    row.Line.ToString(CultureInfo.InvariantCulture), Number(row.ToInput),
                    .. variables.Select(v => HistoryCsv.Text(values.GetValueOrDefault(v))),
                    HistoryCsv.Field(row.ToNumber), row.ProblemCode ?? "ok", HistoryCsv.Text(row.Problem),
                    row.Segments?.ToString(CultureInfo.InvariantCulture) ?? "", row.Outcome(campaign.State),
                    row.ErrorCode?.ToString(CultureInfo.InvariantCulture) ?? "", HistoryCsv.Text(row.ErrorMessage), HistoryCsv.Field(row.TwilioSid),
                    row.SentAt?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "",
                    row.CostAmount?.ToString(CultureInfo.InvariantCulture) ?? "",
                ];
                await writer.WriteLineAsync(string.Join(',', fields));
            }
        }

        /// <summary>A phone number as typed keeps its '+'; anything else in the column is free text a spreadsheet must not run.</summary>
        private static string Number(string input) =>
            input.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '(' or ')' or '-' or '.') ? HistoryCsv.Field(input) : HistoryCsv.Text(input);
    }
}

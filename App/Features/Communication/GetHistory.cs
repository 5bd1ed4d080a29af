using System.Globalization;
using System.Text;
using App.Infrastructure.Database;
using App.Infrastructure.Phone;
using App.Infrastructure.Tenancy;
using App.Infrastructure.Web;
using Dapper;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Data.Sqlite;

namespace App.Features.Communication;

/// <summary>
/// GET /api/communication/history — newest first, paginated, filtered by type (sms|call), direction, status (one or a
/// comma-separated list), to/from number, date range (date_from, date_to; a plain date means the whole day, UTC) and
/// free text (q: message text, numbers, SID). <c>format=csv</c> streams every matching row as CSV instead.
/// </summary>
/// <remarks>
/// A tenant has millions of rows, so neither the total nor a substring filter may read them all:
/// <list type="bullet">
/// <item>Filters of type, direction, status and dates only: total_items is the sum of the daily counters in
/// communication_log_counts (kept by triggers, migration 0006), plus an exact COUNT of the part-days at a range's
/// edges when a bound is not a UTC midnight.</item>
/// <item>Substring filters (q, a number fragment): the trigram index communication_log_search finds the candidates
/// (3 characters or more) among the rows <see cref="HistorySearchIndexer"/> has reached, the rows after its mark are
/// candidates as they are, and q also looks for SIDs that start with it (SID index); the original LIKE confirms every
/// candidate, so the rows are the same as without the index (but for text in the middle of a SID). Counting stops at
/// <see cref="CountLimit"/>: more matches answer total_items 1000 with total_is_lower_bound, and the page is then
/// read newest first with LIKE, which finds frequent matches at once. 1-2 characters have no trigram: LIKE alone, with
/// the same limit (short texts are mostly frequent, and "C" or "42" is a fair thing to look for in a log).</item>
/// <item>Anything else (an exact to/from number): a plain COUNT over its index.</item>
/// </list>
/// </remarks>
public static class GetHistory
{
    public sealed record Filters(string? Type, string? Direction, string? Status, string? To, string? From,
        string? DateFrom, string? DateTo, string? Q);

    /// <summary>Substring searches count at most this many rows ("1,000+"); the cost of counting grows with it.</summary>
    public const int CountLimit = 1_000;

    /// <summary>The filters as SQL over communication_log, plus what the total and the page may use instead of a scan.</summary>
    /// <param name="Where">Every filter, over communication_log alone (substring filters as LIKE).</param>
    /// <param name="CounterWhere">The same filters over communication_log_counts, or null when one of them is not counted there.</param>
    /// <param name="Match">The FTS5 query for substring filters of at least 3 characters, or null.</param>
    /// <param name="SearchesSids">q may be the start of a SID: @sidFrom and @sidTo bound it in the SID index.</param>
    internal sealed record Query(string Where, string? CounterWhere, string? Match, bool HasSubstringFilter,
        string? DateFrom, string? DateTo, DynamicParameters Parameters, bool SearchesSids = false);

    /// <summary>What the query reads: the trigram index's candidates when there is a MATCH (and useIndex), else the table.</summary>
    internal static string Source(Query query, bool useIndex) => useIndex && query.Match is not null
        // CROSS JOIN keeps the index as the outer loop: the planner would otherwise probe it once per row of the tenant.
        ? """
          (SELECT rowid AS match_id FROM communication_log_search WHERE communication_log_search MATCH @match) AS matches
          CROSS JOIN communication_log ON communication_log.id = matches.match_id
          """
        : "communication_log";

    /// <summary>The candidates the trigram index cannot give: rows it has not reached yet, and SIDs starting with q.</summary>
    internal static string Unindexed(Query query) =>
        "communication_log.id > (SELECT indexed_through FROM communication_log_search_state)"
        + (query.SearchesSids ? " OR (communication_log.twilio_sid >= @sidFrom AND communication_log.twilio_sid < @sidTo)" : "");

    /// <summary>Every row the query may return, as one filter over communication_log (for the CSV export).</summary>
    private static string Candidates(Query query) => query.Match is null
        ? query.Where
        : $"""
          ({query.Where}) AND (communication_log.id IN (SELECT rowid FROM communication_log_search WHERE communication_log_search MATCH @match)
                               OR {Unindexed(query)})
          """;

    public static async Task<IResult> Handle(
        string? type, string? direction, string? status, string? to, string? from,
        [FromQuery(Name = "date_from")] string? dateFrom, [FromQuery(Name = "date_to")] string? dateTo, string? q, string? format,
        int? page, [FromQuery(Name = "per_page")] int? perPage,
        CurrentTenant tenant, Db db, HttpContext http, CancellationToken ct)
    {
        var (query, problem) = BuildQuery(tenant.Id, new Filters(type, direction, status, to, from, dateFrom, dateTo, q));
        if (problem is not null) return problem;

        if (string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase))
            return new CsvResult(db, $"SELECT {HistoryItem.Columns} FROM communication_log WHERE {Candidates(query)} ORDER BY created_at DESC, id DESC",
                query.Parameters, $"communication-history-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv");

        var paging = PageRequest.From(page, perPage);
        await using var connection = await db.OpenAsync(ct);
        // One read transaction (deferred: no write lock): the total and the page come from the same snapshot.
        await using var snapshot = connection.BeginTransaction(deferred: true);
        var (items, total, hasNext) = await ReadPageAsync(connection, query, paging, snapshot);
        return total.IsLowerBound ? Api.PageOfAtLeast(items, paging, total.Items, hasNext) : Api.Page(items, paging, total.Items);
    }

    internal readonly record struct Total(long Items, bool IsLowerBound);

    internal static async Task<(IReadOnlyList<HistoryItem> Items, Total Total, bool HasNext)> ReadPageAsync(
        SqliteConnection connection, Query query, PageRequest paging, SqliteTransaction? transaction)
    {
        var parameters = new DynamicParameters(query.Parameters);
        parameters.Add("limit", paging.PerPage);
        parameters.Add("offset", paging.Offset);
        const string Newest = "ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset";

        if (query.HasSubstringFilter)
        {
            // The index lists the tenant's matches (up to one past the limit) in one pass; a page of them is sorted here.
            var matches = (await connection.QueryAsync<(long Id, string CreatedAt)>($"""
                SELECT communication_log.id, communication_log.created_at FROM {Source(query, useIndex: true)}
                WHERE {query.Where} LIMIT {CountLimit + 1}
                """, query.Parameters, transaction)).AsList();
            if (query.Match is not null)
            {
                // The planner would read such a filter through the tenant's index, all of its rows: the hints keep it to
                // the rows after the mark (by rowid) and to the SIDs that start with q.
                var recent = await connection.QueryAsync<(long Id, string CreatedAt)>($"""
                    SELECT id, created_at FROM communication_log NOT INDEXED
                    WHERE id > (SELECT indexed_through FROM communication_log_search_state) AND {query.Where} LIMIT {CountLimit + 1}
                    """, query.Parameters, transaction);
                matches = matches.UnionBy(recent, m => m.Id).ToList();
                if (query.SearchesSids)
                {
                    var sids = await connection.QueryAsync<(long Id, string CreatedAt)>($"""
                        SELECT id, created_at FROM communication_log INDEXED BY idx_communication_log_sid
                        WHERE twilio_sid >= @sidFrom AND twilio_sid < @sidTo AND {query.Where} LIMIT {CountLimit + 1}
                        """, query.Parameters, transaction);
                    matches = matches.UnionBy(sids, m => m.Id).ToList();
                }
            }

            if (matches.Count <= CountLimit)
            {
                var pageIds = matches
                    .OrderByDescending(m => m.CreatedAt, StringComparer.Ordinal).ThenByDescending(m => m.Id)
                    .Skip(paging.Offset).Take(paging.PerPage).Select(m => m.Id).ToArray();
                var page = await connection.QueryAsync<HistoryItem>(
                    $"SELECT {HistoryItem.Columns} FROM communication_log WHERE id IN @pageIds ORDER BY created_at DESC, id DESC",
                    new { pageIds }, transaction);
                return (page.AsList(), new Total(matches.Count, false), false);
            }

            // More than the limit: matches are frequent, so the newest rows checked one by one with LIKE fill a page
            // soonest. One row past the page tells whether there is a next one.
            parameters.Add("limit", paging.PerPage + 1);
            var newest = (await connection.QueryAsync<HistoryItem>(
                $"SELECT {HistoryItem.Columns} FROM communication_log WHERE {query.Where} {Newest}", parameters, transaction)).AsList();
            return (newest.Take(paging.PerPage).ToList(), new Total(CountLimit, true), newest.Count > paging.PerPage);
        }

        var (countSql, countParameters) = query.CounterWhere is null
            ? ($"SELECT COUNT(*) FROM communication_log WHERE {query.Where}", query.Parameters)
            : CountFromCounters(query);
        var total = await connection.ExecuteScalarAsync<long>(countSql, countParameters, transaction);
        var items = await connection.QueryAsync<HistoryItem>(
            $"SELECT {HistoryItem.Columns} FROM communication_log WHERE {query.Where} {Newest}", parameters, transaction);
        return (items.AsList(), new Total(total, false), false);
    }

    /// <summary>
    /// The daily counters cover whole UTC days. A bound inside a day leaves a part-day at that edge, counted from
    /// communication_log over the date index (a day's rows, not the range's). A range within two days is counted
    /// directly.
    /// </summary>
    private static (string Sql, DynamicParameters Parameters) CountFromCounters(Query query)
    {
        var p = new DynamicParameters(query.Parameters);
        var from = query.DateFrom;
        var to = query.DateTo;
        var fromIsMidnight = from is null || from.EndsWith("T00:00:00.000Z", StringComparison.Ordinal);
        var toIsMidnight = to is null || to.EndsWith("T00:00:00.000Z", StringComparison.Ordinal);
        var firstWholeDay = from is null ? null : fromIsMidnight ? from[..10] : NextDay(from);
        var endWholeDay = to?[..10];
        if (firstWholeDay is not null && endWholeDay is not null && string.CompareOrdinal(firstWholeDay, endWholeDay) >= 0)
            return ($"SELECT COUNT(*) FROM communication_log WHERE {query.Where}", p);

        var sql = new StringBuilder($"SELECT (SELECT COALESCE(SUM(n), 0) FROM communication_log_counts WHERE {query.CounterWhere}");
        if (firstWholeDay is not null)
        {
            sql.Append(" AND day >= @firstWholeDay");
            p.Add("firstWholeDay", firstWholeDay);
        }

        if (endWholeDay is not null)
        {
            sql.Append(" AND day < @endWholeDay");
            p.Add("endWholeDay", endWholeDay);
        }

        sql.Append(')');
        if (!fromIsMidnight)
        {
            sql.Append(CultureInfo.InvariantCulture, $"\n + (SELECT COUNT(*) FROM communication_log WHERE {query.CounterWhere} AND created_at >= @dateFrom AND created_at < @firstWholeDayStart)");
            p.Add("firstWholeDayStart", firstWholeDay + "T00:00:00.000Z");
        }

        if (!toIsMidnight)
        {
            sql.Append(CultureInfo.InvariantCulture, $"\n + (SELECT COUNT(*) FROM communication_log WHERE {query.CounterWhere} AND created_at >= @endWholeDayStart AND created_at < @dateTo)");
            p.Add("endWholeDayStart", endWholeDay + "T00:00:00.000Z");
        }

        return (sql.ToString(), p);

        static string NextDay(string timestamp) =>
            DateOnly.ParseExact(timestamp[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    internal static (Query Query, IResult? Problem) BuildQuery(string tenantId, Filters filters)
    {
        var where = new StringBuilder("tenant_id = @tenantId");
        var counterWhere = new StringBuilder("tenant_id = @tenantId");
        var countable = true;
        var match = new List<string>();
        var parameters = new DynamicParameters();
        parameters.Add("tenantId", tenantId);
        Query Invalid() => new("", null, null, false, null, null, parameters);

        if (!string.IsNullOrWhiteSpace(filters.Type))
        {
            if (filters.Type is not ("sms" or "call")) return (Invalid(), Validation.Problem("type", "type is 'sms' or 'call'."));
            where.Append(" AND network_type = @type");
            counterWhere.Append(" AND network_type = @type");
            parameters.Add("type", filters.Type);
        }

        if (!string.IsNullOrWhiteSpace(filters.Direction))
        {
            if (filters.Direction is not ("outbound" or "inbound")) return (Invalid(), Validation.Problem("direction", "direction is 'outbound' or 'inbound'."));
            where.Append(" AND direction = @direction");
            counterWhere.Append(" AND direction = @direction");
            parameters.Add("direction", filters.Direction);
        }

        if (!string.IsNullOrWhiteSpace(filters.Status))
        {
            where.Append(" AND status IN @statuses");
            counterWhere.Append(" AND status IN @statuses");
            parameters.Add("statuses", filters.Status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        var hasSubstringFilter = false;
        var searchesSids = false;
        void AddNumberFilter(string column, string name, string? value)
        {
            var fragment = AddNumber(where, parameters, column, name, value);
            if (string.IsNullOrWhiteSpace(value)) return;
            countable = false;
            if (fragment is null) return;
            hasSubstringFilter = true;
            // A number's leading digits (country, area, the tenant's own number) are in most rows, so their trigrams
            // have long lists; the last digits are distinctive. The index looks for the last four, LIKE for the rest.
            if (TrigramPhrase(fragment.Length > 4 ? fragment[^4..] : fragment) is { } phrase) match.Add($"{column} : {phrase}");
        }

        AddNumberFilter("to_number", "to", filters.To);
        AddNumberFilter("from_number", "from", filters.From);

        if (!TryParseBound(filters.DateFrom, endOfDay: false, out var fromAt)) return (Invalid(), Validation.Problem("date_from", "Use a date (2024-01-31) or an ISO-8601 time."));
        if (!TryParseBound(filters.DateTo, endOfDay: true, out var toAt)) return (Invalid(), Validation.Problem("date_to", "Use a date (2024-01-31) or an ISO-8601 time."));
        var dateFrom = fromAt is null ? null : Db.Timestamp(fromAt.Value);
        var dateTo = toAt is null ? null : Db.Timestamp(toAt.Value);
        if (dateFrom is not null)
        {
            where.Append(" AND created_at >= @dateFrom");
            parameters.Add("dateFrom", dateFrom);
        }

        if (dateTo is not null)
        {
            where.Append(" AND created_at < @dateTo");
            parameters.Add("dateTo", dateTo);
        }

        if (!string.IsNullOrWhiteSpace(filters.Q))
        {
            var text = filters.Q.Trim();
            where.Append(" AND (message_content LIKE @q ESCAPE '\\' OR to_number LIKE @q ESCAPE '\\' OR from_number LIKE @q ESCAPE '\\' OR twilio_sid LIKE @q ESCAPE '\\')");
            parameters.Add("q", "%" + EscapeLike(text) + "%");
            countable = false;
            hasSubstringFilter = true;
            if (TrigramPhrase(text) is { } phrase) match.Add(phrase);
            if (SidStart.IsMatch(text))
            {
                // SIDs are two capital letters and lowercase hex; people paste them in any case.
                var sidFrom = text[..2].ToUpperInvariant() + text[2..].ToLowerInvariant();
                parameters.Add("sidFrom", sidFrom);
                parameters.Add("sidTo", sidFrom + "\uffff");
                searchesSids = true;
            }
        }

        // A 1-2 character filter has no trigram: LIKE alone checks it, the index narrows by the others (if any).
        string? matchQuery = null;
        if (match.Count > 0)
        {
            matchQuery = string.Join(" AND ", match);
            parameters.Add("match", matchQuery);
        }

        return (new Query(where.ToString(), countable ? counterWhere.ToString() : null, matchQuery, hasSubstringFilter, dateFrom, dateTo, parameters, searchesSids), null);
    }

    /// <summary>
    /// A full number matches exactly (whatever way it was typed); a fragment matches anywhere in the number and is
    /// returned, so that the trigram index can find it.
    /// </summary>
    private static string? AddNumber(StringBuilder where, DynamicParameters parameters, string column, string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var number = value.Trim().StartsWith('+') ? E164.Normalize(value, null) : new E164.Result(null, null);
        if (number.IsValid)
        {
            where.Append(CultureInfo.InvariantCulture, $" AND {column} = @{name}");
            parameters.Add(name, number.E164);
            return null;
        }

        var fragment = new string(value.Where(c => char.IsDigit(c) || c == '+').ToArray());
        where.Append(CultureInfo.InvariantCulture, $" AND {column} LIKE @{name} ESCAPE '\\'");
        parameters.Add(name, "%" + EscapeLike(fragment) + "%");
        return fragment;
    }

    /// <summary>The text as one FTS5 phrase (quotes doubled), or null when it is too short to have a trigram.</summary>
    private static string? TrigramPhrase(string text) =>
        text.EnumerateRunes().Count() < 3 ? null : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static readonly System.Text.RegularExpressions.Regex SidStart = new("^[A-Za-z]{2}[0-9A-Fa-f]{1,32}$");

    private static bool TryParseBound(string? text, bool endOfDay, out DateTimeOffset? bound)
    {
        bound = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            bound = new DateTimeOffset((endOfDay ? day.AddDays(1) : day).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            bound = at;
            return true;
        }

        return false;
    }

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>Streams the rows as CSV (RFC 4180) straight from the database, never holding them all in memory.</summary>
    private sealed class CsvResult(Db db, string sql, DynamicParameters parameters, string fileName) : IResult
    {
        private static readonly string[] Header =
        [
            "id", "created_at", "type", "direction", "from", "to", "status", "error_code", "error_message", "twilio_sid",
            "segments", "cost", "currency", "duration_seconds", "message",
        ];

        public async Task ExecuteAsync(HttpContext context)
        {
            context.Response.ContentType = "text/csv; charset=utf-8";
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 16 * 1024);
            await writer.WriteLineAsync(string.Join(',', Header));
            await using var connection = await db.OpenAsync(context.RequestAborted);
            var rows = connection.QueryUnbufferedAsync<HistoryItem>(sql, parameters);
            await foreach (var row in rows.WithCancellation(context.RequestAborted))
            {
                await writer.WriteLineAsync(string.Join(',',
                    row.Id.ToString(CultureInfo.InvariantCulture),
                    row.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    row.NetworkType, row.Direction, Field(row.FromNumber), Field(row.ToNumber), Field(row.Status),
                    row.ErrorCode?.ToString(CultureInfo.InvariantCulture) ?? "", Text(row.ErrorMessage), Field(row.TwilioSid),
                    row.Segments?.ToString(CultureInfo.InvariantCulture) ?? "",
                    row.CostAmount?.ToString(CultureInfo.InvariantCulture) ?? "", Field(row.CostCurrency),
                    row.DurationSeconds?.ToString(CultureInfo.InvariantCulture) ?? "", Text(row.MessageContent)));
            }
        }

        private static string Field(string? value)
        {
            if (string.IsNullOrEmpty(value)) return "";
            return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
        }

        /// <summary>Free text that a spreadsheet must not run as a formula (=, +, -, @ at the start).</summary>
        private static string Text(string? value) =>
            string.IsNullOrEmpty(value) ? "" : Field(value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value);
    }
}

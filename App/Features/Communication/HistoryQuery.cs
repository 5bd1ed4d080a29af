using System.Globalization;
using System.Text;
using App.Infrastructure.Phone;

namespace App.Features.Communication;

/// <summary>The filters as SQL over communication_log, plus what the total and the page may use instead of a scan.</summary>
/// <param name="Where">Every filter, over communication_log alone (substring filters as LIKE).</param>
/// <param name="CounterWhere">The same filters over communication_log_counts, or null when one of them is not counted there.</param>
/// <param name="Match">The FTS5 query for substring filters of at least 3 characters, or null.</param>
/// <param name="SearchesSids">q may be the start of a SID: @sidFrom and @sidTo bound it in the SID index.</param>
internal sealed record HistoryQuery(string Where, string? CounterWhere, string? Match, bool HasSubstringFilter,
    string? DateFrom, string? DateTo, DynamicParameters Parameters, bool SearchesSids = false)
{
    internal static (HistoryQuery Query, IResult? Problem) Build(string tenantId, GetHistory.Filters filters)
    {
        var where = new StringBuilder("tenant_id = @tenantId");
        var counterWhere = new StringBuilder("tenant_id = @tenantId");
        var countable = true;
        var match = new List<string>();
        var parameters = new DynamicParameters();
        parameters.Add("tenantId", tenantId);
        HistoryQuery Invalid() => new("", null, null, false, null, null, parameters);

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

        if (ListFilters.DateFrom(filters.DateFrom, out var fromAt) is { } badFrom) return (Invalid(), badFrom);
        if (ListFilters.DateTo(filters.DateTo, out var toAt) is { } badTo) return (Invalid(), badTo);
        var dateFrom = fromAt is null ? null : Db.Timestamp(fromAt.Value);
        var dateTo = toAt is null ? null : Db.Timestamp(toAt.Value);
        where.AppendRange(parameters, "created_at", ("dateFrom", dateFrom), ("dateTo", dateTo));

        if (!string.IsNullOrWhiteSpace(filters.Q))
        {
            var text = filters.Q.Trim();
            where.Append(" AND (message_content LIKE @q ESCAPE '\\' OR to_number LIKE @q ESCAPE '\\' OR from_number LIKE @q ESCAPE '\\' OR twilio_sid LIKE @q ESCAPE '\\')");
            parameters.Add("q", SqlLike.Containing(text));
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

        return (new HistoryQuery(where.ToString(), countable ? counterWhere.ToString() : null, matchQuery, hasSubstringFilter, dateFrom, dateTo, parameters, searchesSids), null);
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
        parameters.Add(name, SqlLike.Containing(fragment));
        return fragment;
    }

    /// <summary>The text as one FTS5 phrase (quotes doubled), or null when it is too short to have a trigram.</summary>
    private static string? TrigramPhrase(string text) =>
        text.EnumerateRunes().Count() < 3 ? null : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static readonly System.Text.RegularExpressions.Regex SidStart = new("^[A-Za-z]{2}[0-9A-Fa-f]{1,32}$");

    /// <summary>What the query reads: the trigram index's candidates when there is a MATCH (and useIndex), else the table.</summary>
    internal static string Source(HistoryQuery query, bool useIndex) => useIndex && query.Match is not null
        // CROSS JOIN keeps the index as the outer loop: the planner would otherwise probe it once per row of the tenant.
        ? """
          (SELECT rowid AS match_id FROM communication_log_search WHERE communication_log_search MATCH @match) AS matches
          CROSS JOIN communication_log ON communication_log.id = matches.match_id
          """
        : "communication_log";

    /// <summary>The candidates the trigram index cannot give: rows it has not reached yet, and SIDs starting with q.</summary>
    internal static string Unindexed(HistoryQuery query) =>
        "communication_log.id > (SELECT indexed_through FROM communication_log_search_state)"
        + (query.SearchesSids ? " OR (communication_log.twilio_sid >= @sidFrom AND communication_log.twilio_sid < @sidTo)" : "");

    /// <summary>Every row the query may return, as one filter over communication_log (for the CSV export).</summary>
    internal static string Candidates(HistoryQuery query) => query.Match is null
        ? query.Where
        : $"""
          ({query.Where}) AND (communication_log.id IN (SELECT rowid FROM communication_log_search WHERE communication_log_search MATCH @match)
                               OR {Unindexed(query)})
          """;
}

using System.Globalization;
using System.Text;

namespace App.Features.Communication;

/// <summary>total_items, exact or a lower bound when a substring search counted past the limit.</summary>
internal readonly record struct HistoryTotal(long Items, bool IsLowerBound);

internal static class HistoryTotals
{
    /// <summary>
    /// The daily counters cover whole UTC days. A bound inside a day leaves a part-day at that edge, counted from
    /// communication_log over the date index (a day's rows, not the range's). A range within two days is counted
    /// directly.
    /// </summary>
    internal static (string Sql, DynamicParameters Parameters) CountFromCounters(HistoryQuery query)
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
        sql.AppendRange(p, "day", ("firstWholeDay", firstWholeDay), ("endWholeDay", endWholeDay)).Append(')');
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
}

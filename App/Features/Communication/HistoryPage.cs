using Microsoft.Data.Sqlite;

namespace App.Features.Communication;

/// <summary>Reads one page of the history and its total, from the trigram index, the daily counters or a COUNT.</summary>
internal static class HistoryPage
{
    internal static async Task<(IReadOnlyList<HistoryItem> Items, HistoryTotal Total, bool HasNext)> ReadAsync(
        SqliteConnection connection, HistoryQuery query, PageRequest paging, SqliteTransaction? transaction)
    {
        var parameters = new DynamicParameters(query.Parameters);
        parameters.Add("limit", paging.PerPage);
        parameters.Add("offset", paging.Offset);
        const string Newest = "ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset";

        if (query.HasSubstringFilter)
        {
            // The index lists the tenant's matches (up to one past the limit) in one pass; a page of them is sorted here.
            var matches = (await connection.QueryAsync<(long Id, string CreatedAt)>($"""
                SELECT communication_log.id, communication_log.created_at FROM {HistoryQuery.Source(query, useIndex: true)}
                WHERE {query.Where} LIMIT {GetHistory.CountLimit + 1}
                """, query.Parameters, transaction)).AsList();
            if (query.Match is not null)
            {
                // The planner would read such a filter through the tenant's index, all of its rows: the hints keep it to
                // the rows after the mark (by rowid) and to the SIDs that start with q.
                var recent = await connection.QueryAsync<(long Id, string CreatedAt)>($"""
                    SELECT id, created_at FROM communication_log NOT INDEXED
                    WHERE id > (SELECT indexed_through FROM communication_log_search_state) AND {query.Where} LIMIT {GetHistory.CountLimit + 1}
                    """, query.Parameters, transaction);
                matches = matches.UnionBy(recent, m => m.Id).ToList();
                if (query.SearchesSids)
                {
                    var sids = await connection.QueryAsync<(long Id, string CreatedAt)>($"""
                        SELECT id, created_at FROM communication_log INDEXED BY idx_communication_log_sid
                        WHERE twilio_sid >= @sidFrom AND twilio_sid < @sidTo AND {query.Where} LIMIT {GetHistory.CountLimit + 1}
                        """, query.Parameters, transaction);
                    matches = matches.UnionBy(sids, m => m.Id).ToList();
                }
            }

            if (matches.Count <= GetHistory.CountLimit)
            {
                var pageIds = matches
                    .OrderByDescending(m => m.CreatedAt, StringComparer.Ordinal).ThenByDescending(m => m.Id)
                    .Skip(paging.Offset).Take(paging.PerPage).Select(m => m.Id).ToArray();
                var page = await connection.QueryAsync<HistoryItem>(
                    $"SELECT {HistoryItem.Columns} FROM communication_log WHERE id IN @pageIds ORDER BY created_at DESC, id DESC",
                    new { pageIds }, transaction);
                return (page.AsList(), new HistoryTotal(matches.Count, false), false);
            }

            // More than the limit: matches are frequent, so the newest rows checked one by one with LIKE fill a page
            // soonest. One row past the page tells whether there is a next one.
            parameters.Add("limit", paging.PerPage + 1);
            var newest = (await connection.QueryAsync<HistoryItem>(
                $"SELECT {HistoryItem.Columns} FROM communication_log WHERE {query.Where} {Newest}", parameters, transaction)).AsList();
            return (newest.Take(paging.PerPage).ToList(), new HistoryTotal(GetHistory.CountLimit, true), newest.Count > paging.PerPage);
        }

        var (countSql, countParameters) = query.CounterWhere is null
            ? ($"SELECT COUNT(*) FROM communication_log WHERE {query.Where}", query.Parameters)
            : HistoryTotals.CountFromCounters(query);
        var total = await connection.ExecuteScalarAsync<long>(countSql, countParameters, transaction);
        var items = await connection.QueryAsync<HistoryItem>(
            $"SELECT {HistoryItem.Columns} FROM communication_log WHERE {query.Where} {Newest}", parameters, transaction);
        return (items.AsList(), new HistoryTotal(total, false), false);
    }
}

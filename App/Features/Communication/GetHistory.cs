using Microsoft.AspNetCore.Mvc;

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

    public static async Task<IResult> Handle(
        string? type, string? direction, string? status, string? to, string? from,
        [FromQuery(Name = "date_from")] string? dateFrom, [FromQuery(Name = "date_to")] string? dateTo, string? q, string? format,
        int? page, [FromQuery(Name = "per_page")] int? perPage,
        CurrentTenant tenant, Db db, CancellationToken ct)
    {
        var (query, problem) = HistoryQuery.Build(tenant.Id, new Filters(type, direction, status, to, from, dateFrom, dateTo, q));
        if (problem is not null) return problem;

        if (string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase))
            return new HistoryCsv(db, $"SELECT {HistoryItem.Columns} FROM communication_log WHERE {HistoryQuery.Candidates(query)} ORDER BY created_at DESC, id DESC",
                query.Parameters, $"communication-history-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv");

        var paging = PageRequest.From(page, perPage);
        await using var connection = await db.OpenAsync(ct);
        // One read transaction (deferred: no write lock): the total and the page come from the same snapshot.
        await using var snapshot = connection.BeginTransaction(deferred: true);
        var (items, total, hasNext) = await HistoryPage.ReadAsync(connection, query, paging, snapshot);
        return total.IsLowerBound ? Api.PageOfAtLeast(items, paging, total.Items, hasNext) : Api.Page(items, paging, total.Items);
    }
}

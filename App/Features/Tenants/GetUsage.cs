using System.Globalization;

namespace App.Features.Tenants;

/// <summary>
/// GET /api/tenant/usage?from=YYYY-MM-DD&amp;to=YYYY-MM-DD — counts by channel and status, total cost and a per-day
/// series from communication_log. Days are the tenant's local days (settings.time_zone); the default range is the
/// last 30 days.
/// </summary>
public static class GetUsage
{
    public sealed record Usage(
        DateOnly From,
        DateOnly To,
        string TimeZone,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> ByChannel,
        IReadOnlyDictionary<string, long> Totals,
        decimal TotalCost,
        string Currency,
        IReadOnlyList<Day> Days);

    public sealed record Day(DateOnly Date, long Sms, long Call, decimal Cost);

    private sealed class HourBucket
    {
        public string Hour { get; init; } = "";
        public string NetworkType { get; init; } = "";
        public string? Status { get; init; }
        public long Count { get; init; }
        public double? Cost { get; init; }
    }

    private const string Sql = """
        SELECT substr(created_at, 1, 13) AS hour, network_type, status, COUNT(*) AS count, TOTAL(cost_amount) AS cost
        FROM communication_log
        WHERE tenant_id = @tenantId AND created_at >= @fromUtc AND created_at < @toUtc
        GROUP BY 1, 2, 3
        """;

    public static async Task<IResult> Handle(DateOnly? from, DateOnly? to, CurrentTenant tenant, Db db, TenantDirectory directory, CancellationToken ct) =>
        await ReadAsync(db, tenant.Id, await directory.SettingsAsync(tenant.Id, ct) ?? new TenantSettings(), from, to, ct);

    /// <summary>The usage answer for any tenant (the tenant's own endpoint, the operator's tenant page), or a 400 for a bad range.</summary>
    public static async Task<IResult> ReadAsync(Db db, string tenantId, TenantSettings settings, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(settings.TimeZone, out var found) ? found : TimeZoneInfo.Utc;

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);
        var lastDay = to ?? today;
        var firstDay = from ?? lastDay.AddDays(-29);
        if (firstDay > lastDay) return Validation.Problem("from", "'from' must be on or before 'to'.");
        if (lastDay.DayNumber - firstDay.DayNumber > 366) return Validation.Problem("to", "The range can span at most 366 days.");

        await using var connection = await db.OpenAsync(ct);
        var buckets = await connection.QueryAsync<HourBucket>(Sql, new
        {
            tenantId,
            fromUtc = Db.Timestamp(StartOfLocalDay(firstDay, zone)),
            toUtc = Db.Timestamp(StartOfLocalDay(lastDay.AddDays(1), zone)),
        });

        var byChannel = new Dictionary<string, Dictionary<string, long>> { ["sms"] = [], ["call"] = [] };
        var days = Enumerable.Range(0, lastDay.DayNumber - firstDay.DayNumber + 1)
            .Select(offset => firstDay.AddDays(offset))
            .ToDictionary(date => date, date => new Day(date, 0, 0, 0m));
        decimal totalCost = 0;
        foreach (var bucket in buckets)
        {
            var channel = byChannel.TryGetValue(bucket.NetworkType, out var existing) ? existing : byChannel[bucket.NetworkType] = [];
            var status = bucket.Status ?? "unknown";
            channel[status] = channel.GetValueOrDefault(status) + bucket.Count;
            var cost = (decimal)(bucket.Cost ?? 0);
            totalCost += cost;

            var utcHour = DateTimeOffset.ParseExact(bucket.Hour + ":00:00Z", "yyyy-MM-dd'T'HH:mm:ssZ", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var localDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(utcHour, zone).DateTime);
            if (!days.TryGetValue(localDate, out var day)) continue;
            days[localDate] = day with
            {
                Sms = day.Sms + (bucket.NetworkType == "sms" ? bucket.Count : 0),
                Call = day.Call + (bucket.NetworkType == "call" ? bucket.Count : 0),
                Cost = day.Cost + cost,
            };
        }

        return Api.Ok(new Usage(
            firstDay, lastDay, zone.Id,
            byChannel.ToDictionary(c => c.Key, c => (IReadOnlyDictionary<string, long>)c.Value),
            byChannel.ToDictionary(c => c.Key, c => c.Value.Values.Sum()),
            Math.Round(totalCost, 4), "USD",
            days.Values.OrderBy(d => d.Date).ToList()));
    }

    private static DateTimeOffset StartOfLocalDay(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}

using System.Globalization;
using App.Features.Communication;
using App.Features.Files;
using App.Features.Spend;
using App.Twilio;
using Microsoft.Extensions.Options;

namespace App.Features.Operator;

/// <summary>
/// GET /api/system/overview — every tenant at a glance: state, simulated or live and whether it has Twilio credentials,
/// outbound sends and failures today and this month (UTC days), error rate, server errors in the last 24 hours, spend
/// this month against its cap, last activity and audio storage against the quota.
/// <para>Nothing is counted row by row: sends and failures come from the daily counters (communication_log_counts), the
/// spend from tenant_monthly_spend, last activity and recent errors from one index seek each per tenant. So the answer
/// costs the same with a million messages as with ten (bench/README.md, "Operator overview").</para>
/// </summary>
public static class GetOverview
{
    public sealed record Overview(DateOnly Day, string Month, bool Simulated, IReadOnlyList<TenantLine> Tenants);

    public sealed record TenantLine(
        string Id,
        string Name,
        string State,
        bool TwilioConfigured,
        long SendsToday,
        long SendsThisMonth,
        long FailuresToday,
        long FailuresThisMonth,
        decimal? ErrorRate,
        long ErrorsLast24h,
        SpendStatus Spend,
        DateTimeOffset? LastActivityAt,
        long StorageUsedBytes,
        long StorageQuotaBytes,
        DateTimeOffset CreatedAt);

    private sealed class TenantRow
    {
        public string Id { get; init; } = "";
        public string Name { get; init; } = "";
        public bool IsActive { get; init; }
        public string? Settings { get; init; }
        public bool TwilioConfigured { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public string? LastMessageAt { get; init; }
        public string? LastChangeAt { get; init; }
        public long ErrorsLast24h { get; init; }
    }

    private sealed class CountRow
    {
        public string TenantId { get; init; } = "";
        public long SendsThisMonth { get; init; }
        public long SendsToday { get; init; }
        public long FailuresThisMonth { get; init; }
        public long FailuresToday { get; init; }
    }

    // Last activity is the newest message or call, or the newest change the tenant's own people or programs made (not
    // the operator's). Each subquery is one seek on a (tenant_id, time DESC) index.
    private const string TenantsSql = $"""
        SELECT t.id, t.name, t.is_active, t.settings, t.created_at,
               ({OperatorTenants.TwilioConfiguredSql}) AS twilio_configured,
               (SELECT c.created_at FROM communication_log c WHERE c.tenant_id = t.id ORDER BY c.created_at DESC LIMIT 1) AS last_message_at,
               (SELECT a.occurred_at FROM audit_log a
                WHERE a.tenant_id = t.id AND a.outcome = 'success' AND a.actor_type <> 'operator'
                ORDER BY a.occurred_at DESC LIMIT 1) AS last_change_at,
               (SELECT COUNT(*) FROM error_log e WHERE e.tenant_id = t.id AND e.created_at >= @ErrorsSince) AS errors_last24h
        FROM tenants t
        ORDER BY t.name COLLATE NOCASE, t.id
        """;

    // CROSS JOIN keeps tenants as the outer loop, so each tenant's counters are read from this month's first day on
    // through the primary key; left to itself the planner scans every day of every tenant.
    private static readonly string CountsSql = $"""
        SELECT c.tenant_id,
               SUM(c.n) AS sends_this_month,
               SUM(CASE WHEN c.day = @Today THEN c.n ELSE 0 END) AS sends_today,
               SUM(CASE WHEN c.status IN {Statuses.FailuresSql} THEN c.n ELSE 0 END) AS failures_this_month,
               SUM(CASE WHEN c.day = @Today AND c.status IN {Statuses.FailuresSql} THEN c.n ELSE 0 END) AS failures_today
        FROM tenants t
        CROSS JOIN communication_log_counts c ON c.tenant_id = t.id AND c.day >= @MonthStart AND c.direction = 'outbound'
        GROUP BY c.tenant_id
        """;

    private const string StorageSql = "SELECT tenant_id, COALESCE(SUM(file_size), 0) AS used FROM voice_files GROUP BY tenant_id";

    public static async Task<IResult> Handle(Db db, SpendCaps caps, IOptions<FilesOptions> files, IConfiguration configuration, TimeProvider time,
        CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var month = MonthlySpend.MonthOf(now);

        await using var connection = await db.OpenAsync(ct);
        var tenants = (await connection.QueryAsync<TenantRow>(TenantsSql, new { ErrorsSince = Db.Timestamp(now.AddHours(-24)) })).AsList();
        var counts = (await connection.QueryAsync<CountRow>(CountsSql, new
        {
            Today = Day(today),
            MonthStart = Day(new DateOnly(today.Year, today.Month, 1)),
        })).ToDictionary(row => row.TenantId, StringComparer.Ordinal);
        var spent = await MonthlySpend.ReadAllAsync(connection, month, caps.Rates);
        var storage = (await connection.QueryAsync<(string TenantId, long Used)>(StorageSql))
            .ToDictionary(row => row.TenantId, row => row.Used, StringComparer.Ordinal);

        var lines = tenants.Select(tenant =>
        {
            var count = counts.GetValueOrDefault(tenant.Id) ?? new CountRow();
            return new TenantLine(
                tenant.Id, tenant.Name, tenant.IsActive ? "active" : "disabled", tenant.TwilioConfigured,
                count.SendsToday, count.SendsThisMonth, count.FailuresToday, count.FailuresThisMonth,
                count.SendsThisMonth > 0 ? Math.Round((decimal)count.FailuresThisMonth / count.SendsThisMonth, 4) : null,
                tenant.ErrorsLast24h,
                caps.Describe(TenantSettings.Parse(tenant.Settings), month, spent.GetValueOrDefault(tenant.Id)),
                Latest(tenant.LastMessageAt, tenant.LastChangeAt),
                storage.GetValueOrDefault(tenant.Id), files.Value.TenantQuotaBytes,
                tenant.CreatedAt);
        }).ToList();

        return Api.Ok(new Overview(today, month, TwilioMode.IsSimulated(configuration), lines));
    }

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // Both are ISO-8601 UTC text, which sorts as time does.
    private static DateTimeOffset? Latest(string? a, string? b)
    {
        var latest = string.CompareOrdinal(a, b) >= 0 ? a : b;
        return latest is null ? null : DateTimeOffset.Parse(latest, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }
}

using System.Globalization;
using Microsoft.Data.Sqlite;

namespace App.Features.Spend;

/// <summary>
/// What tenants spent in a calendar month (UTC), from tenant_monthly_spend, which triggers keep as rows are written
/// (migration 0011): Twilio's prices as they arrived, plus the sends still without a price at the estimates.
/// One primary-key read per tenant, whatever the number of sends.
/// </summary>
public static class MonthlySpend
{
    private const string SpentMicros =
        "priced_micro_usd + unpriced_sms_segments * @SmsSegmentMicros + unpriced_calls * @CallMicros + unpriced_call_minutes * @CallMinuteMicros";

    private const string OneTenantSql = $"SELECT {SpentMicros} FROM tenant_monthly_spend WHERE tenant_id = @TenantId AND month = @Month";

    private const string AllTenantsSql = $"SELECT tenant_id, {SpentMicros} AS micros FROM tenant_monthly_spend WHERE month = @Month";

    private sealed record Parameters(string? TenantId, string Month, long SmsSegmentMicros, long CallMicros, long CallMinuteMicros)
    {
        public Parameters(string? tenantId, string month, SpendRates rates)
            : this(tenantId, month, rates.SmsSegmentMicros, rates.CallMicros, rates.CallMinuteMicros)
        {
        }
    }

    /// <summary>"2026-12": the month a row created now counts in (its created_at's first seven characters).</summary>
    public static string MonthOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>Inside a write unit: a prepared statement, since it runs on the writer with every capped send.</summary>
    public static long Read(SqliteConnection connection, SqliteTransaction transaction, string tenantId, string month, SpendRates rates) =>
        PreparedStatements.ExecuteScalar<long?>(connection, transaction, OneTenantSql, new Parameters(tenantId, month, rates)) ?? 0;

    public static async Task<long> ReadAsync(SqliteConnection connection, string tenantId, string month, SpendRates rates) =>
        await connection.ExecuteScalarAsync<long?>(OneTenantSql, new Parameters(tenantId, month, rates)) ?? 0;

    /// <summary>Every tenant that spent anything in the month, in millionths of a dollar.</summary>
    public static async Task<Dictionary<string, long>> ReadAllAsync(SqliteConnection connection, string month, SpendRates rates) =>
        (await connection.QueryAsync<(string TenantId, long Micros)>(AllTenantsSql, new Parameters(null, month, rates)))
        .ToDictionary(row => row.TenantId, row => row.Micros, StringComparer.Ordinal);
}

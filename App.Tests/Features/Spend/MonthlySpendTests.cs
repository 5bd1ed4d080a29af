using App.Features.Communication;
using App.Features.Spend;
using Dapper;

namespace App.Tests.Features.Spend;

/// <summary>
/// The monthly spend counters follow every way a row is written, through App's own writers: a send counts at its
/// estimate, a price replaces the estimate, a failure makes it free, a call's length replaces the reckoned minutes,
/// inbound rows count once priced, imported history only at its price, and deleted rows stop counting.
/// </summary>
public sealed class MonthlySpendTests(SpendCapAppFactory factory) : IClassFixture<SpendCapAppFactory>
{
    // SpendCapAppFactory's estimates: $0.01 an SMS segment, $0.02 a call minute, calls reckoned at 2 minutes.
    private async Task<decimal> SpentAsync(string tenantId)
    {
        await using var connection = await factory.Db.OpenAsync();
        var micros = await MonthlySpend.ReadAsync(connection, tenantId, MonthlySpend.MonthOf(DateTimeOffset.UtcNow), factory.Service<SpendCaps>().Rates);
        return Micros.ToUsd(micros);
    }

    private async Task<long> InsertAsync(CommunicationLog.NewRow row)
    {
        await using var connection = await factory.Db.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        var id = (await CommunicationLog.InsertAsync(connection, transaction, row, "test"))!.Value;
        transaction.Commit();
        return id;
    }

    private async Task ApplyAsync(long id, string channel, CommunicationLog.StatusChange change)
    {
        await using var connection = await factory.Db.OpenAsync();
        await CommunicationLog.ApplyAsync(connection, id, channel, change);
    }

    [Fact]
    public async Task Estimates_give_way_to_prices_failures_and_real_call_lengths()
    {
        var tenant = await factory.CreateTenantAsync();
        var sms = await InsertAsync(new(tenant.Id, "sms", "outbound", "+14155550110", "+14155550100", "Hi", "queued", Segments: 3));
        var failing = await InsertAsync(new(tenant.Id, "sms", "outbound", "+14155550111", "+14155550100", "Hi", "queued", Segments: 1));
        var call = await InsertAsync(new(tenant.Id, "call", "outbound", "+14155550112", "+14155550100", null, "queued"));
        (await SpentAsync(tenant.Id)).ShouldBe(0.03m + 0.01m + 0.04m);

        await ApplyAsync(sms, "sms", new("sent", "test", "t:sms:sent"));
        await ApplyAsync(failing, "sms", new("failed", "test", "t:failing:failed", ErrorCode: 30008));
        (await SpentAsync(tenant.Id)).ShouldBe(0.03m + 0.04m);

        await ApplyAsync(sms, "sms", new("delivered", "test", "t:sms:price", Cost: 0.0237m, CostCurrency: "USD"));
        await ApplyAsync(call, "call", new("completed", "test", "t:call:completed", DurationSeconds: 181));
        (await SpentAsync(tenant.Id)).ShouldBe(0.0237m + 4 * 0.02m);

        await ApplyAsync(call, "call", new("completed", "test", "t:call:price", Cost: 0.056m, CostCurrency: "USD"));
        (await SpentAsync(tenant.Id)).ShouldBe(0.0237m + 0.056m);
    }

    [Fact]
    public async Task Inbound_rows_count_once_priced_and_unanswered_calls_cost_nothing()
    {
        var tenant = await factory.CreateTenantAsync();
        var inbound = await InsertAsync(new(tenant.Id, "sms", "inbound", "+14155550100", "+14155550120", "STOP", "received", TwilioSid: "SM" + new string('1', 32)));
        var busy = await InsertAsync(new(tenant.Id, "call", "outbound", "+14155550121", "+14155550100", null, "queued"));
        (await SpentAsync(tenant.Id)).ShouldBe(0.04m);

        await ApplyAsync(inbound, "sms", new("received", "test", "t:in:price", Cost: 0.0079m, CostCurrency: "USD"));
        await ApplyAsync(busy, "call", new("busy", "test", "t:busy"));

        (await SpentAsync(tenant.Id)).ShouldBe(0.0079m);
    }

    [Fact]
    public async Task Imported_history_counts_at_its_price_only_and_deleted_rows_stop_counting()
    {
        var tenant = await factory.CreateTenantAsync();
        await using var connection = await factory.Db.OpenAsync();
        await connection.ExecuteAsync("""
            INSERT INTO communication_log (tenant_id, network_type, direction, to_number, from_number, status, legacy_id, cost_amount)
            VALUES (@Id, 'call', 'outbound', '+14155550130', '+14155550100', 'completed', 1, 0.028),
                   (@Id, 'call', 'outbound', '+14155550131', '+14155550100', 'completed', 2, NULL)
            """, new { tenant.Id });
        var sent = await InsertAsync(new(tenant.Id, "sms", "outbound", "+14155550132", "+14155550100", "Hi", "queued", Segments: 1));
        (await SpentAsync(tenant.Id)).ShouldBe(0.028m + 0.01m);

        await connection.ExecuteAsync("DELETE FROM communication_log WHERE id = @sent", new { sent });

        (await SpentAsync(tenant.Id)).ShouldBe(0.028m);
    }

    [Fact]
    public async Task Each_tenant_and_month_has_its_own_counters()
    {
        var tenant = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync();
        await InsertAsync(new(tenant.Id, "sms", "outbound", "+14155550140", "+14155550100", "Hi", "queued", Segments: 1));
        await using var connection = await factory.Db.OpenAsync();
        await connection.ExecuteAsync("""
            INSERT INTO communication_log (tenant_id, network_type, direction, to_number, from_number, status, segments, created_at)
            VALUES (@Id, 'sms', 'outbound', '+14155550141', '+14155550100', 'queued', 5, '2020-01-15T10:00:00.000Z')
            """, new { tenant.Id });

        (await SpentAsync(tenant.Id)).ShouldBe(0.01m);
        (await SpentAsync(other.Id)).ShouldBe(0m);
        (await MonthlySpend.ReadAsync(connection, tenant.Id, "2020-01", factory.Service<SpendCaps>().Rates)).ShouldBe(50_000);
    }
}

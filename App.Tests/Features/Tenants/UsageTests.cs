using App.Tests.Features.Communication;
using App.Tests.Support;

namespace App.Tests.Features.Tenants;

public sealed class UsageTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Usage_counts_by_channel_and_status_with_cost_and_a_daily_series()
    {
        var tenant = await factory.TenantWithHistoryAsync();

        var usage = await (await tenant.Client().GetAsync("/api/tenant/usage?from=2026-03-01&to=2026-03-05")).ShouldBeSuccessAsync();

        usage.GetProperty("by_channel").GetProperty("sms").GetProperty("delivered").GetInt32().ShouldBe(1);
        usage.GetProperty("by_channel").GetProperty("call").GetProperty("busy").GetInt32().ShouldBe(1);
        usage.GetProperty("totals").GetProperty("sms").GetInt32().ShouldBe(3);
        usage.GetProperty("total_cost").GetDecimal().ShouldBe(0.0288m);
        var days = usage.GetProperty("days");
        days.GetArrayLength().ShouldBe(5);
        days[2].GetProperty("date").GetString().ShouldBe("2026-03-03");
        days[2].GetProperty("call").GetInt32().ShouldBe(1);
    }
}

using System.Text.Json;
using App.Tests.Support;
using App.Twilio.Simulator;

namespace App.Tests.Features.Communication;

/// <summary>Prices set for this class, so that the assertions show they come from configuration.</summary>
public sealed class PricedSimulatorFactory : KestrelAppFactory
{
    public PricedSimulatorFactory()
    {
        Settings["Twilio:Simulator:SmsPricePerSegment"] = "0.01";
        Settings["Twilio:Simulator:CallPricePerMinute"] = "0.02";
        // The product's own periodic fetch of finished rows without a cost, run often enough for a test to wait for it.
        Settings["Outbox:ReconcileEverySeconds"] = "1";
    }
}

/// <summary>
/// In simulation, sends cost what Twilio would charge: per segment for SMS, per started minute for calls. The cost
/// reaches the history and usage the way live Twilio's does: no callback carries it, the finished row is fetched.
/// </summary>
public sealed class SimulatedCostTests(PricedSimulatorFactory factory) : IClassFixture<PricedSimulatorFactory>
{
    private static async Task<JsonElement> HistoryItemAsync(TestTenant tenant, long id, Func<JsonElement, bool> done, string what) =>
        await Eventually.GetAsync(async () =>
        {
            var items = await (await tenant.Client().GetAsync("/api/communication/history")).ShouldBeSuccessAsync();
            return items.EnumerateArray().Single(item => item.GetProperty("id").GetInt64() == id);
        }, done, TimeSpan.FromSeconds(30), what);

    private static bool HasCost(JsonElement item) => item.GetProperty("cost_amount").ValueKind == JsonValueKind.Number;

    [Fact]
    public async Task An_SMS_sent_in_simulation_ends_with_its_per_segment_cost_in_history_and_usage()
    {
        var tenant = await factory.CreateTenantAsync();
        var twoSegments = new string('x', 161);

        var sent = await (await tenant.Client().PostJsonAsync("/api/communication/sms/send", new { to = "+14155550141", message = twoSegments }))
            .ShouldBeSuccessAsync();
        sent.GetProperty("segments").GetInt32().ShouldBe(2);

        var item = await HistoryItemAsync(tenant, sent.GetProperty("id").GetInt64(), HasCost, "the SMS's cost");
        item.GetProperty("status").GetString().ShouldBe("delivered");
        item.GetProperty("cost_amount").GetDecimal().ShouldBe(0.02m);
        item.GetProperty("cost_currency").GetString().ShouldBe("USD");

        var usage = await (await tenant.Client().GetAsync("/api/tenant/usage")).ShouldBeSuccessAsync();
        usage.GetProperty("total_cost").GetDecimal().ShouldBe(0.02m);
        usage.GetProperty("days").EnumerateArray().Sum(day => day.GetProperty("cost").GetDecimal()).ShouldBe(0.02m);
    }

    [Fact]
    public async Task A_failed_SMS_costs_nothing()
    {
        var tenant = await factory.CreateTenantAsync();

        var sent = await (await tenant.Client().PostJsonAsync("/api/communication/sms/send", new { to = MagicNumbers.Failed, message = "hi" }))
            .ShouldBeSuccessAsync();

        var item = await HistoryItemAsync(tenant, sent.GetProperty("id").GetInt64(), i => i.GetProperty("status").GetString() == "failed", "the SMS to fail");
        // A later reconciliation pass would not find a price either: failed messages are not billed.
        await factory.Service<App.Features.Communication.Outbox.OutboxWorker>().ReconcileStaleRowsAsync(CancellationToken.None);
        item = await HistoryItemAsync(tenant, sent.GetProperty("id").GetInt64(), _ => true, "the SMS");
        item.GetProperty("cost_amount").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task A_page_whose_newest_row_has_no_cost_still_reads_the_costs_below_it()
    {
        var tenant = await factory.CreateTenantAsync();
        var priced = await (await tenant.Client().PostJsonAsync("/api/communication/sms/send", new { to = "+14155550143", message = "hi" }))
            .ShouldBeSuccessAsync();
        await HistoryItemAsync(tenant, priced.GetProperty("id").GetInt64(), HasCost, "the first SMS's cost");
        var unpriced = await (await tenant.Client().PostJsonAsync("/api/communication/sms/send", new { to = MagicNumbers.Failed, message = "hi" }))
            .ShouldBeSuccessAsync();
        await HistoryItemAsync(tenant, unpriced.GetProperty("id").GetInt64(), i => i.GetProperty("status").GetString() == "failed", "the second SMS to fail");

        foreach (var query in new[] { "", "?type=sms", "?to=%2B14155550143", "?date_from=2020-01-01", "?q=hi" })
        {
            var items = await (await tenant.Client().GetAsync("/api/communication/history" + query)).ShouldBeSuccessAsync();
            items.EnumerateArray().Select(i => i.GetProperty("cost_amount").ToString()).ShouldContain("0.01", query);
        }

        var csv = await (await tenant.Client().GetAsync("/api/communication/history?format=csv")).Content.ReadAsStringAsync();
        csv.ShouldContain(",0.01,USD,");
    }

    [Theory]
    [InlineData(30, 1)]    // 450 characters at 15 a second: 30 s, one started minute
    [InlineData(61, 2)]    // 915 characters: 61 s, two started minutes
    public async Task A_calls_cost_follows_its_duration_per_started_minute(int seconds, int minutes)
    {
        var tenant = await factory.CreateTenantAsync();
        var text = new string('a', seconds * CallLifecycle.CharactersPerSecond);
        var voiceMessage = await (await tenant.Client().PostJsonAsync("/api/voice-messages", new
        {
            name = $"Long {seconds}", voice_text = text, voice = "Polly.Joanna-Neural", language = "en-US",
        })).ShouldBeSuccessAsync(201);

        var sent = await (await tenant.Client().PostJsonAsync("/api/communication/voice/send", new
        {
            to = "+14155550142", voice_message_id = voiceMessage.GetProperty("id").GetInt64(),
        })).ShouldBeSuccessAsync();

        var item = await HistoryItemAsync(tenant, sent.GetProperty("id").GetInt64(), HasCost, "the call's cost");
        item.GetProperty("status").GetString().ShouldBe("completed");
        item.GetProperty("duration_seconds").GetInt32().ShouldBe(seconds);
        item.GetProperty("cost_amount").GetDecimal().ShouldBe(0.02m * minutes);
        item.GetProperty("cost_currency").GetString().ShouldBe("USD");
    }

    [Fact]
    public void By_default_the_simulator_charges_plausible_US_prices_as_negative_strings()
    {
        var defaults = new SimulatorOptions();

        defaults.SmsPrice(1).ShouldBe("-0.00790");
        defaults.SmsPrice(3).ShouldBe("-0.02370");
        defaults.CallPrice(1).ShouldBe("-0.01400");
        defaults.CallPrice(60).ShouldBe("-0.01400");
        defaults.CallPrice(61).ShouldBe("-0.02800");
    }
}

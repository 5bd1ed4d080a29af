using System.Text.Json;
using App.Tests.Features.Files;
using App.Tests.Support;
using App.Twilio.Simulator;

namespace App.Tests.Features.Operator;

/// <summary>The app on a socket with the simulator, an operator key, and prices unlike the estimates.</summary>
public sealed class OperatorOverviewAppFactory : KestrelAppFactory
{
    public OperatorOverviewAppFactory()
    {
        Settings["Operator:ApiKey"] = AppFactory.OperatorKey;
        Settings["Operator:SmsSegmentEstimateUsd"] = "0.01";
        Settings["Twilio:Simulator:SmsPricePerSegment"] = "0.013";
        // The outbox's periodic fetch of finished rows without a price, often enough for a test to wait for it.
        Settings["Outbox:ReconcileEverySeconds"] = "1";
    }
}

/// <summary>
/// The overview counts what really happened: sends through the simulator that fail, are refused or are delivered, the
/// prices that arrive for them afterwards (failed ones are free), audio uploads, and tenants that are disabled.
/// </summary>
public sealed class OperatorOverviewTests(OperatorOverviewAppFactory factory) : IClassFixture<OperatorOverviewAppFactory>
{
    [Fact]
    public async Task Each_tenant_shows_its_sends_failures_error_rate_spend_activity_and_storage()
    {
        var failing = await factory.CreateTenantAsync("Failing Dental");
        var quiet = await factory.CreateTenantAsync("Quiet Dental");
        await (await factory.OperatorClient().PostAsync($"/api/system/tenants/{quiet.Id}/disable", null)).ShouldBeSuccessAsync();
        var upload = await failing.Client().UploadOkAsync(AudioFixtures.Wav(0.5), "greeting.wav");

        var ids = new List<long>();
        foreach (var to in new[] { "+14155550150", MagicNumbers.Failed, MagicNumbers.Undelivered, MagicNumbers.Unsubscribed })
        {
            var sent = await (await failing.Client().PostJsonAsync("/api/communication/sms/send", new { to, message = "Reminder" })).ShouldBeSuccessAsync();
            ids.Add(sent.GetProperty("id").GetInt64());
        }

        // Finished: failed ones are free, the others have their price.
        await Eventually.GetAsync(async () => await (await failing.Client().GetAsync("/api/communication/history")).ShouldBeSuccessAsync(),
            items => items.EnumerateArray().All(i => i.GetProperty("status").GetString() == "failed" || i.GetProperty("cost_amount").ValueKind == JsonValueKind.Number),
            TimeSpan.FromSeconds(30), "every SMS failed or priced");
        await (await factory.OperatorClient().PutJsonAsync($"/api/system/tenants/{failing.Id}/spend-cap", new { monthly_spend_cap_usd = 0.03 }))
            .ShouldBeSuccessAsync();

        var overview = await (await factory.OperatorClient().GetAsync("/api/system/overview")).ShouldBeSuccessAsync();
        overview.GetProperty("simulated").GetBoolean().ShouldBeTrue();
        overview.GetProperty("month").GetString().ShouldBe(DateTime.UtcNow.ToString("yyyy-MM"));
        var line = Line(overview, failing.Id);
        line.GetProperty("name").GetString().ShouldBe("Failing Dental");
        line.GetProperty("state").GetString().ShouldBe("active");
        line.GetProperty("sends_today").GetInt64().ShouldBe(4);
        line.GetProperty("sends_this_month").GetInt64().ShouldBe(4);
        line.GetProperty("failures_today").GetInt64().ShouldBe(3);
        line.GetProperty("failures_this_month").GetInt64().ShouldBe(3);
        line.GetProperty("error_rate").GetDecimal().ShouldBe(0.75m);
        // Two priced at the simulator's $0.013 (not the $0.01 estimate); the failed and the refused ones cost nothing.
        var spend = line.GetProperty("spend");
        spend.GetProperty("spent_usd").GetDecimal().ShouldBe(0.026m);
        spend.GetProperty("cap_usd").GetDecimal().ShouldBe(0.03m);
        spend.GetProperty("percent_of_cap").GetDecimal().ShouldBe(86.7m);
        spend.GetProperty("level").GetString().ShouldBe("near");
        line.GetProperty("last_activity_at").GetDateTimeOffset().ShouldBe(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        line.GetProperty("storage_used_bytes").GetInt64().ShouldBe(upload.GetProperty("file_size").GetInt64());
        line.GetProperty("storage_quota_bytes").GetInt64().ShouldBe(500L * 1024 * 1024);
        line.GetProperty("twilio_configured").GetBoolean().ShouldBeFalse();

        var quietLine = Line(overview, quiet.Id);
        quietLine.GetProperty("state").GetString().ShouldBe("disabled");
        quietLine.GetProperty("sends_this_month").GetInt64().ShouldBe(0);
        quietLine.GetProperty("error_rate").ValueKind.ShouldBe(JsonValueKind.Null);
        quietLine.GetProperty("spend").GetProperty("spent_usd").GetDecimal().ShouldBe(0m);
        quietLine.GetProperty("spend").GetProperty("level").GetString().ShouldBe("none");
        // The operator disabling it is not the tenant's own activity.
        quietLine.GetProperty("last_activity_at").ValueKind.ShouldBe(JsonValueKind.Null);

        // The tenant page tells the same story: its Twilio failures and the number Twilio refused as unsubscribed.
        var failures = await (await factory.OperatorClient().GetAsync($"/api/system/tenants/{failing.Id}/failures")).ShouldBeSuccessAsync();
        failures.EnumerateArray().Select(f => f.GetProperty("to_number").GetString())
            .ShouldBe([MagicNumbers.Unsubscribed, MagicNumbers.Undelivered, MagicNumbers.Failed], ignoreOrder: true);
        failures.EnumerateArray().ShouldAllBe(f => f.GetProperty("error_code").ValueKind == JsonValueKind.Number);
        var optOuts = await (await factory.OperatorClient().GetAsync($"/api/system/tenants/{failing.Id}/opt-outs")).ShouldBeSuccessAsync();
        optOuts.EnumerateArray().Single().GetProperty("phone_number").GetString().ShouldBe(MagicNumbers.Unsubscribed);
        (await (await factory.OperatorClient().GetAsync($"/api/system/tenants/{quiet.Id}/failures")).ShouldBeSuccessAsync()).GetArrayLength().ShouldBe(0);
    }

    private static JsonElement Line(JsonElement overview, string tenantId) =>
        overview.GetProperty("tenants").EnumerateArray().Single(t => t.GetProperty("id").GetString() == tenantId);
}

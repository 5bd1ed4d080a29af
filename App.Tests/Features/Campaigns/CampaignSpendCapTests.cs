using System.Text.Json;
using App.Tests.Support;
using App.Twilio.Simulator;

namespace App.Tests.Features.Campaigns;

/// <summary>A campaign app with an operator key and round estimates (an SMS segment reckoned at $0.01).</summary>
public sealed class CampaignSpendCapAppFactory : CampaignAppFactory
{
    public CampaignSpendCapAppFactory()
    {
        Settings["Operator:ApiKey"] = AppFactory.OperatorKey;
        Settings["Operator:SmsSegmentEstimateUsd"] = "0.01";
    }
}

/// <summary>A campaign never takes its tenant over the monthly spend cap: the rows that fit go, the rest wait for a higher cap.</summary>
public sealed class CampaignSpendCapTests(CampaignSpendCapAppFactory factory) : IClassFixture<CampaignSpendCapAppFactory>
{
    private static Task<JsonElement> CampaignAsync(HttpClient client, long id) =>
        client.GetAsync($"/api/campaigns/{id}").ContinueWith(r => r.Result.ShouldBeSuccessAsync()).Unwrap();

    [Fact]
    public async Task Rows_go_only_while_the_cap_allows_then_wait_held_by_the_cap_until_it_is_raised()
    {
        var tenant = await factory.CreateTenantAsync();
        var client = tenant.Client();
        await factory.SetSpendCapAsync(tenant, 0.05m);
        var id = await CampaignUploads.CreateAsync(client, CampaignUploads.Numbers(12, prefix: "Capped", firstNumber: 6000));
        int Sent() => factory.Service<SimulatorLedger>().Messages.Values.Count(m => m.Body?.StartsWith("Hi Capped ", StringComparison.Ordinal) == true);

        await (await client.PostAsync($"/api/campaigns/{id}/start", null)).ShouldBeSuccessAsync();

        var held = await Eventually.GetAsync(() => CampaignAsync(client, id), c => c.GetProperty("held_by_spend_cap").GetBoolean(),
            TimeSpan.FromSeconds(20), "the campaign held by the cap");
        held.GetProperty("state").GetString().ShouldBe("running");
        held.GetProperty("progress").GetProperty("queued").GetInt64().ShouldBe(5);
        held.GetProperty("progress").GetProperty("waiting").GetInt64().ShouldBe(7);
        await Task.Delay(1000); // several passes of the queue: nothing more goes while the cap holds
        (await CampaignAsync(client, id)).GetProperty("progress").GetProperty("queued").GetInt64().ShouldBe(5);
        await Eventually.GetAsync(() => Task.FromResult(Sent()), sent => sent == 5, what: "the five rows that fit sent");

        await factory.SetSpendCapAsync(tenant, 1m);

        var done = await Eventually.GetAsync(() => CampaignAsync(client, id), c => c.GetProperty("state").GetString() == "completed",
            TimeSpan.FromSeconds(40), "the campaign completed once the cap was raised");
        done.GetProperty("held_by_spend_cap").GetBoolean().ShouldBeFalse();
        done.GetProperty("progress").GetProperty("queued").GetInt64().ShouldBe(12);
        Sent().ShouldBe(12);
    }
}

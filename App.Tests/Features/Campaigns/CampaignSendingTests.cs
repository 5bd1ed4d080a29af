using System.Text.Json;
using App.Tests.Support;
using App.Twilio.Simulator;
using Dapper;

namespace App.Tests.Features.Campaigns;

/// <summary>Starting, following and cancelling a campaign, through the outbox and the simulator over real HTTP.</summary>
public sealed class CampaignSendingTests(CampaignAppFactory factory) : IClassFixture<CampaignAppFactory>
{
    private SimulatorLedger Ledger => factory.Service<SimulatorLedger>();

    private static Task<JsonElement> CampaignAsync(HttpClient client, long id) =>
        client.GetAsync($"/api/campaigns/{id}").ContinueWith(r => r.Result.ShouldBeSuccessAsync()).Unwrap();

    [Fact]
    public async Task Starting_twice_sends_each_valid_row_exactly_once_and_the_counts_follow_live()
    {
        var tenant = await factory.CreateTenantAsync();
        var client = tenant.Client();
        var id = await CampaignUploads.CreateAsync(client, CampaignUploads.Numbers(30, prefix: "Twice"));

        var starts = await Task.WhenAll(client.PostAsync($"/api/campaigns/{id}/start", null), client.PostAsync($"/api/campaigns/{id}/start", null));
        foreach (var start in starts) (await start.ShouldBeSuccessAsync()).GetProperty("state").GetString().ShouldBeOneOf("running", "completed");
        var again = await (await client.PostAsync($"/api/campaigns/{id}/start", null)).JsonAsync();
        again.GetProperty("message").GetString()!.ShouldContain("already");

        var done = await Eventually.GetAsync(() => CampaignAsync(client, id),
            c => c.GetProperty("progress").GetProperty("by_status").TryGetProperty("delivered", out var delivered) && delivered.GetInt64() == 30,
            TimeSpan.FromSeconds(40), "every row delivered");
        done.GetProperty("progress").GetProperty("waiting").GetInt64().ShouldBe(0);
        done.GetProperty("progress").GetProperty("succeeded").GetInt64().ShouldBe(30);
        for (var i = 0; i < 30; i++) Ledger.Messages.Values.Count(m => m.Body == $"Hi Twice {i}, see you at 9:{i:D2}.").ShouldBe(1);
        await Eventually.GetAsync(() => CampaignAsync(client, id), c => c.GetProperty("state").GetString() == "completed", what: "the campaign completed");

        var rows = await (await client.GetAsync($"/api/campaigns/{id}/rows?show=delivered&per_page=50")).ShouldBeSuccessAsync();
        rows.GetArrayLength().ShouldBe(30);
        rows.EnumerateArray().ShouldAllBe(r => r.GetProperty("twilio_sid").GetString()!.StartsWith("SM"));

        await using var connection = await factory.Db.OpenAsync();
        var actions = (await connection.QueryAsync<string>(
            "SELECT action FROM audit_log WHERE tenant_id = @Id AND entity_type = 'campaign' AND entity_id = @id ORDER BY id", new { tenant.Id, id = id.ToString() })).ToList();
        actions.ShouldContain("campaigns.create");
        actions.Count(a => a == "campaigns.start").ShouldBe(3);
    }

    [Fact]
    public async Task Cancel_stops_what_has_not_gone_out()
    {
        var tenant = await factory.CreateTenantAsync();
        var client = tenant.Client();
        const int rows = 200;
        var id = await CampaignUploads.CreateAsync(client, CampaignUploads.Numbers(rows, prefix: "Cancel", firstNumber: 3000));
        await (await client.PostAsync($"/api/campaigns/{id}/start", null)).ShouldBeSuccessAsync();
        await Eventually.GetAsync(() => CampaignAsync(client, id), c => c.GetProperty("progress").GetProperty("queued").GetInt64() >= 10, what: "the first rows queued");

        var cancelled = await (await client.PostAsync($"/api/campaigns/{id}/cancel", null)).ShouldBeSuccessAsync();

        cancelled.GetProperty("campaign").GetProperty("state").GetString().ShouldBe("cancelled");
        await Task.Delay(1500); // what was on its way finishes; nothing else may start
        int Sent() => Ledger.Messages.Values.Count(m => m.Body?.StartsWith("Hi Cancel ", StringComparison.Ordinal) == true);
        var sentAfterCancel = Sent();
        await Task.Delay(1500);
        Sent().ShouldBe(sentAfterCancel);
        sentAfterCancel.ShouldBeLessThan(rows / 2);

        var view = await CampaignAsync(client, id);
        var progress = view.GetProperty("progress");
        progress.GetProperty("waiting").GetInt64().ShouldBeGreaterThan(rows / 2);
        (progress.GetProperty("queued").GetInt64() - (progress.GetProperty("by_status").TryGetProperty("canceled", out var c) ? c.GetInt64() : 0)).ShouldBe(sentAfterCancel);
        var notSent = await (await client.GetAsync($"/api/campaigns/{id}/rows?show=waiting&per_page=5")).ShouldBeSuccessAsync();
        notSent.EnumerateArray().ShouldAllBe(r => r.GetProperty("outcome").GetString() == "cancelled");
        await (await client.PostAsync($"/api/campaigns/{id}/start", null)).ShouldBeErrorAsync(409, "CAMPAIGN_STATE_CONFLICT");
    }
}

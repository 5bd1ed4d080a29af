using App.Tests.Support;
using Dapper;
using Microsoft.Data.Sqlite;

namespace App.Tests.Features.Campaigns;

/// <summary>
/// App as a real process, killed with SIGKILL while a campaign is half queued, started again, and the campaign started
/// once more: every valid row reaches Twilio (a stand-in that records each create) exactly once.
/// </summary>
public sealed class CampaignRestartDrill : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));

    public CampaignRestartDrill() => Directory.CreateDirectory(_dataDirectory);

    [Fact]
    public async Task A_campaign_killed_mid_queue_resumes_after_the_restart_and_sends_each_row_exactly_once()
    {
        await using var twilio = new TwilioStandIn { CreateDelay = TimeSpan.FromMilliseconds(10) };
        await twilio.StartAsync();
        // 50 a second: the 300 rows take six seconds to queue, so the kill lands in the middle.
        var environment = AppProcess.Environment(_dataDirectory, twilio.BaseUrl, new Dictionary<string, string> { ["Outbox:TenantSendsPerSecond"] = "50" });
        var tenant = await AppProcess.CreateTenantAsync(environment, "Drill Dental");
        const int rows = 300;
        long id;

        await using (var first = await AppProcess.StartAsync(environment))
        {
            using var client = first.Client(tenant.ApiKey);
            (await client.PutJsonAsync("/api/tenant/profile", new
            {
                name = "Drill Dental", twilio_sid = "AC" + new string('a', 32), twilio_token = new string('b', 32), from_number = "+15005550006",
            })).EnsureSuccessStatusCode();
            id = await CampaignUploads.CreateAsync(client, CampaignUploads.Numbers(rows, prefix: "Drill", firstNumber: 6000));
            (await client.PostAsync($"/api/campaigns/{id}/start", null)).EnsureSuccessStatusCode();
            await Eventually.GetAsync(() => Task.FromResult(twilio.Created.Count), n => n >= 80, TimeSpan.FromSeconds(30), "a part of the campaign sent");
            first.Kill();
            (await first.WaitForExitAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
        }

        var sentBeforeRestart = twilio.Created.Count;
        sentBeforeRestart.ShouldBeLessThan(rows, "the kill came before the campaign was through");
        await using var second = await AppProcess.StartAsync(environment);
        using (var client = second.Client(tenant.ApiKey))
        {
            (await client.PostAsync($"/api/campaigns/{id}/start", null)).EnsureSuccessStatusCode();
            var done = await Eventually.GetAsync(async () => await (await client.GetAsync($"/api/campaigns/{id}")).ShouldBeSuccessAsync(),
                c => c.GetProperty("state").GetString() == "completed", TimeSpan.FromSeconds(60), "the campaign completed after the restart");
            done.GetProperty("progress").GetProperty("queued").GetInt64().ShouldBe(rows);
        }

        var created = twilio.Created.GroupBy(m => m.Body).ToDictionary(g => g.Key!, g => g.Count());
        created.Where(c => c.Value > 1).ShouldBeEmpty("no row reached Twilio twice");
        created.Count.ShouldBe(rows);
        twilio.Created.Count.ShouldBe(rows);
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDirectory, "app.db")};Pooling=False");
        connection.Open();
        connection.ExecuteScalar<long>("SELECT COUNT(*) FROM communication_log WHERE direction = 'outbound'").ShouldBe(rows);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dataDirectory, recursive: true); }
        catch (IOException) { }
    }
}

using System.Globalization;
using App.Tests.Support;
using App.Twilio.Simulator;

namespace App.Tests.Features.Campaigns;

/// <summary>
/// Quiet hours on a clock the test moves: a window around "now" in the tenant's time zone holds campaign rows and
/// one-off sends until it ends; a one-off send may override it.
/// </summary>
public sealed class QuietHoursTests(CampaignAppFactory factory) : IClassFixture<CampaignAppFactory>
{
    private const string Zone = "America/Chicago";

    private SimulatorLedger Ledger => factory.Service<SimulatorLedger>();

    /// <summary>Quiet from an hour before now until an hour after, every day, in Chicago; the window's end.</summary>
    private async Task<DateTimeOffset> QuietNowAsync(TestTenant tenant)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Zone);
        var local = TimeZoneInfo.ConvertTime(factory.Time.GetUtcNow(), zone);
        string[] everyDay = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        var profile = await (await tenant.Client().PutJsonAsync("/api/tenant/profile", new
        {
            name = tenant.Name,
            settings = new
            {
                time_zone = Zone,
                quiet_hours = new[]
                {
                    new { days = everyDay, from = local.AddHours(-1).ToString("HH:mm", CultureInfo.InvariantCulture), to = local.AddHours(1).ToString("HH:mm", CultureInfo.InvariantCulture) },
                },
            },
        })).ShouldBeSuccessAsync();
        profile.GetProperty("settings").GetProperty("quiet_hours")[0].GetProperty("days").GetArrayLength().ShouldBe(7);
        var endLocal = local.AddHours(1);
        return new DateTimeOffset(endLocal.Year, endLocal.Month, endLocal.Day, endLocal.Hour, endLocal.Minute, 0, endLocal.Offset);
    }

    [Fact]
    public async Task Campaign_rows_and_one_off_sends_wait_for_quiet_hours_to_end_unless_overridden()
    {
        var tenant = await factory.CreateTenantAsync();
        var client = tenant.Client();
        var windowEnd = await QuietNowAsync(tenant);
        var id = await CampaignUploads.CreateAsync(client, CampaignUploads.Numbers(5, prefix: "Quiet", firstNumber: 4000));

        var started = await (await client.PostAsync($"/api/campaigns/{id}/start", null)).ShouldBeSuccessAsync();
        started.GetProperty("quiet_hours_now").GetBoolean().ShouldBeTrue();
        started.GetProperty("next_send_at").GetDateTimeOffset().ShouldBe(windowEnd);
        var held = await (await client.PostJsonAsync("/api/communication/sms/send", new { to = "+14155554100", message = "Held one-off" })).ShouldBeSuccessAsync();
        var urgent = await (await client.PostJsonAsync("/api/communication/sms/send", new { to = "+14155554101", message = "Urgent one-off", override_quiet_hours = true })).ShouldBeSuccessAsync();

        held.GetProperty("status").GetString().ShouldBe("scheduled");
        held.GetProperty("held_for_quiet_hours").GetBoolean().ShouldBeTrue();
        held.GetProperty("send_at").GetDateTimeOffset().ShouldBe(windowEnd);
        urgent.GetProperty("status").GetString().ShouldBe("queued");
        await Eventually.GetAsync(() => Task.FromResult(Ledger.Messages.Values.Count(m => m.Body == "Urgent one-off")), n => n == 1, what: "the override sent at once");
        var rows = await (await client.GetAsync($"/api/campaigns/{id}/rows")).ShouldBeSuccessAsync();
        rows.EnumerateArray().ShouldAllBe(r => r.GetProperty("outcome").GetString() == "waiting");
        rows[0].GetProperty("goes_at").GetDateTimeOffset().ShouldBe(windowEnd);
        await Task.Delay(1000);
        Ledger.Messages.Values.Count(m => m.Body == "Held one-off" || m.Body!.StartsWith("Hi Quiet", StringComparison.Ordinal)).ShouldBe(0);

        factory.Time.Advance(windowEnd - factory.Time.GetUtcNow() + TimeSpan.FromSeconds(1));

        await Eventually.GetAsync(() => Task.FromResult(Ledger.Messages.Values.Count(m => m.Body == "Held one-off" || m.Body!.StartsWith("Hi Quiet", StringComparison.Ordinal))),
            n => n == 6, TimeSpan.FromSeconds(20), "the held one-off and the campaign sent once the window ended");
    }

    [Fact]
    public async Task Quiet_hours_are_validated_in_the_profile()
    {
        var tenant = await factory.CreateTenantAsync();

        var error = await (await tenant.Client().PutJsonAsync("/api/tenant/profile", new
        {
            name = tenant.Name,
            settings = new { quiet_hours = new[] { new { days = new[] { "someday" }, from = "25:00", to = "08:00" } } },
        })).ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        error.GetProperty("details").EnumerateObject().Select(p => p.Name).ShouldContain(n => n.StartsWith("settings.quiet_hours", StringComparison.Ordinal));
    }
}

/// <summary>A running campaign keeps the tenant's pace, and a one-off send overtakes it.</summary>
public sealed class CampaignPacingTests(CampaignAppFactory factory) : IClassFixture<CampaignAppFactory>
{
    [Fact]
    public async Task A_one_off_send_overtakes_a_running_campaign_that_keeps_the_tenants_pace()
    {
        var tenant = await factory.CreateTenantAsync();
        var client = tenant.Client();
        const int rows = 120;
        var id = await CampaignUploads.CreateAsync(client, CampaignUploads.Numbers(rows, prefix: "Paced", firstNumber: 5000));
        await (await client.PostAsync($"/api/campaigns/{id}/start", null)).ShouldBeSuccessAsync();
        await Eventually.GetAsync(() => QueuedAsync(client, id), n => n >= 20, what: "the campaign under way");

        (await client.PostJsonAsync("/api/communication/sms/send", new { to = "+14155559999", message = "Your table is ready" })).EnsureSuccessStatusCode();

        // When Twilio (the simulator) created each message.
        var created = await Eventually.GetAsync(
            () => Task.FromResult(factory.Service<SimulatorLedger>().Messages.Values
                .Where(m => m.Body == "Your table is ready" || m.Body?.StartsWith("Hi Paced ", StringComparison.Ordinal) == true).ToList()),
            messages => messages.Count == rows + 1, TimeSpan.FromSeconds(40), "every send handed to Twilio");

        var oneOffAt = created.Single(m => m.Body == "Your table is ready").DateCreated!.Value;
        var campaignTimes = created.Where(m => m.Body != "Your table is ready").Select(m => m.DateCreated!.Value).OrderBy(t => t).ToList();
        campaignTimes.Count(t => t > oneOffAt).ShouldBeGreaterThan(rows / 3, "the one-off went ahead of most of the campaign");
        (oneOffAt - campaignTimes.Where(t => t <= oneOffAt).DefaultIfEmpty(oneOffAt).Max()).ShouldBeLessThan(TimeSpan.FromSeconds(2));
        // At 20 a second (a bucket of 20), 121 sends take at least (121 - 20) / 20 s.
        var all = created.Select(m => m.DateCreated!.Value).OrderBy(t => t).ToList();
        (all[^1] - all[0]).ShouldBeGreaterThan(TimeSpan.FromSeconds((rows + 1 - CampaignAppFactory.SendsPerSecond) / (double)CampaignAppFactory.SendsPerSecond - 0.5));
        for (var i = 0; i + 2 * CampaignAppFactory.SendsPerSecond < all.Count; i++)
            (all[i + 2 * CampaignAppFactory.SendsPerSecond] - all[i]).ShouldBeGreaterThan(TimeSpan.FromSeconds(0.9), "no second holds more than the bucket and a second's refill");
    }

    private static async Task<long> QueuedAsync(HttpClient client, long id) =>
        (await (await client.GetAsync($"/api/campaigns/{id}")).ShouldBeSuccessAsync()).GetProperty("progress").GetProperty("queued").GetInt64();
}

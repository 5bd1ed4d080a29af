using App.Tests.Support;
using Microsoft.Playwright;

namespace App.Tests.Browser;

/// <summary>What a receptionist does in the admin UI, in real Chromium against the real app and the Twilio simulator.</summary>
[Collection("browser")]
public sealed class AdminWorkflowTests(BrowserAppFactory factory) : IClassFixture<BrowserAppFactory>
{
    private async Task<IPage> OpenAsync(TestTenant tenant, string section = "")
    {
        var page = await factory.NewPageAsync();
        await page.GotoAsync($"/admin/{tenant.Id}{section}?apiKey={Uri.EscapeDataString(tenant.ApiKey)}");
        await Assertions.Expect(page.GetByTestId("tenant-name")).ToBeVisibleAsync();
        return page;
    }

    [Fact]
    public async Task Create_a_voice_message_and_preview_its_TwiML()
    {
        var tenant = await factory.CreateTenantAsync();
        var page = await OpenAsync(tenant, "/voice");

        await page.GetByTestId("voice-new").ClickAsync();
        await page.GetByTestId("voice-name").FillAsync("Appointment reminder");
        await page.GetByTestId("voice-text-input").FillAsync("Hello {{first_name}}, see you tomorrow at {{time}}.");
        await page.GetByTestId("voice-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("toast-success").First).ToBeVisibleAsync();

        await page.GetByTestId("voice-card").Filter(new() { HasText = "Appointment reminder" }).GetByTestId("voice-edit").ClickAsync();
        await page.GetByTestId("voice-test-first_name").FillAsync("Ann & Bob");
        await page.GetByTestId("voice-test-time").FillAsync("9:30");
        await page.GetByTestId("voice-preview").ClickAsync();

        var twiml = page.GetByTestId("voice-twiml");
        await Assertions.Expect(twiml).ToContainTextAsync("<Say");
        await Assertions.Expect(twiml).ToContainTextAsync("Ann &amp; Bob");
        await BrowserAppFactory.ScreenshotAsync(page, "voice-messages");
    }

    [Fact]
    public async Task Send_an_SMS_and_watch_it_reach_delivered_without_reloading()
    {
        var tenant = await factory.CreateTenantAsync();
        var page = await OpenAsync(tenant, "/sms");

        await page.GetByTestId("sms-to").FillAsync("+14155550141");
        await page.GetByTestId("sms-message").FillAsync("Hi {{first_name}}, your table is ready.");
        await page.GetByTestId("sms-var-first_name").FillAsync("Zoë");
        // ë is not in the GSM-7 alphabet: the whole message becomes UCS-2, as Twilio would send it.
        await Assertions.Expect(page.GetByTestId("sms-encoding")).ToContainTextAsync("UCS-2");
        await Assertions.Expect(page.GetByTestId("sms-segments")).ToContainTextAsync("1");
        await page.GetByTestId("sms-send").ClickAsync();

        await Assertions.Expect(page.GetByTestId("sms-result")).ToBeVisibleAsync();
        var row = page.GetByTestId("recent-sms-row").Filter(new() { HasText = "+14155550141" }).First;
        await Assertions.Expect(row.GetByTestId("status-badge")).ToHaveAttributeAsync("data-status", "delivered", new() { Timeout = 20_000 });
        await BrowserAppFactory.ScreenshotAsync(page, "sms");
    }

    [Fact]
    public async Task Upload_a_file_see_the_progress_complete_and_play_it()
    {
        var tenant = await factory.CreateTenantAsync();
        var page = await OpenAsync(tenant, "/files");

        await page.GetByTestId("upload-input").SetInputFilesAsync(new FilePayload
        {
            Name = "welcome greeting.wav", MimeType = "audio/wav", Buffer = AudioFixtures.Wav(2.0),
        });

        var progress = page.GetByTestId("upload-progress").First;
        await Assertions.Expect(page.GetByTestId("upload-item").First).ToHaveAttributeAsync("data-status", "done");
        await Assertions.Expect(page.GetByTestId("file-row").Filter(new() { HasText = "welcome greeting.wav" })).ToBeVisibleAsync();
        _ = progress;

        await page.GetByTestId("file-row").First.GetByTestId("audio-play").ClickAsync();
        var audio = page.GetByTestId("file-row").First.Locator("audio");
        await Assertions.Expect(audio).ToHaveCountAsync(1);
        var duration = await Eventually.GetAsync(
            () => audio.EvaluateAsync<double>("a => Number.isFinite(a.duration) ? a.duration : 0"), d => d > 0, what: "the audio to load");
        duration.ShouldBe(2.0, 0.1);
        await BrowserAppFactory.ScreenshotAsync(page, "files");
    }

    [Fact]
    public async Task Filter_the_communication_log()
    {
        var tenant = await factory.CreateTenantAsync();
        foreach (var (to, text) in new[] { ("+14155550151", "Cleaning reminder"), ("+14155550152", "X-ray reminder") })
            (await tenant.Client().PostJsonAsync("/api/communication/sms/send", new { to, message = text })).EnsureSuccessStatusCode();
        var page = await OpenAsync(tenant, "/logs");
        await Assertions.Expect(page.GetByTestId("history-row")).ToHaveCountAsync(2);

        await page.GetByTestId("filter-q").FillAsync("X-ray");
        await page.GetByTestId("filter-apply").ClickAsync();

        await Assertions.Expect(page.GetByTestId("history-row")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("history-row")).ToContainTextAsync("+14155550152");
        await page.GetByTestId("history-row").ClickAsync();
        await Assertions.Expect(page.GetByTestId("history-drawer")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("status-timeline")).ToContainTextAsync("Queued");
        await BrowserAppFactory.ScreenshotAsync(page, "logs");
    }

    [Theory]
    [InlineData("", "dashboard-page")]
    [InlineData("/settings", "settings")]
    [InlineData("/users", "users")]
    public async Task Every_page_renders_at_800x600(string section, string screenshot)
    {
        var tenant = await factory.CreateTenantAsync();
        var page = await OpenAsync(tenant, section);
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);

        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        errors.ShouldBeEmpty();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Could not load" })).ToHaveCountAsync(0);
        await BrowserAppFactory.ScreenshotAsync(page, screenshot);
    }
}

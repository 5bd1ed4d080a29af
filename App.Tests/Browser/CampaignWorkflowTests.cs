using System.Text;
using Microsoft.Playwright;

namespace App.Tests.Browser;

/// <summary>A campaign from a spreadsheet, in real Chromium: upload, fix and upload again, preview, start, watch it finish, export.</summary>
[Collection("browser")]
public sealed class CampaignWorkflowTests(BrowserAppFactory factory) : IClassFixture<BrowserAppFactory>
{
    [Fact]
    public async Task Upload_fix_and_reupload_preview_start_and_watch_a_campaign_finish()
    {
        var tenant = await factory.CreateTenantAsync();
        var page = await factory.NewPageAsync(1024, 768);
        await page.GotoAsync($"/admin/{tenant.Id}/campaigns?apiKey={Uri.EscapeDataString(tenant.ApiKey)}");
        await Assertions.Expect(page.GetByTestId("tenant-name")).ToBeVisibleAsync();

        await page.GetByTestId("campaign-name").FillAsync("Tuesday reminders");
        await page.GetByTestId("campaign-message").FillAsync("Hi {{first_name}}, see you at {{time}}.");
        await page.GetByTestId("campaign-file").SetInputFilesAsync(new FilePayload
        {
            Name = "tuesday.csv", MimeType = "text/csv",
            Buffer = Encoding.UTF8.GetBytes("to;first_name;time\r\n+14155550161;Ann;9:30\r\n12345;Bob;10:00\r\n+14155550163;Zoë;11:15\r\n"),
        });
        await page.GetByTestId("campaign-check").ClickAsync();

        await Assertions.Expect(page.GetByTestId("campaign-detail")).ToHaveAttributeAsync("data-state", "draft");
        await Assertions.Expect(page.GetByTestId("count-problems")).ToHaveTextAsync("1");
        var refused = page.GetByTestId("campaign-row").Filter(new() { HasText = "12345" });
        await Assertions.Expect(refused).ToHaveAttributeAsync("data-outcome", "refused");
        await Assertions.Expect(refused.GetByTestId("campaign-row-problem")).ToContainTextAsync("12345");

        // Fix the number in the spreadsheet and upload it again: the draft is replaced.
        await page.GetByTestId("campaign-file").SetInputFilesAsync(new FilePayload
        {
            Name = "tuesday.csv", MimeType = "text/csv",
            Buffer = Encoding.UTF8.GetBytes("to;first_name;time\r\n+14155550161;Ann;9:30\r\n+14155550162;Bob;10:00\r\n+14155550163;Zoë;11:15\r\n"),
        });
        await page.GetByTestId("campaign-check").ClickAsync();
        await Assertions.Expect(page.GetByTestId("count-problems")).ToHaveTextAsync("0");
        await Assertions.Expect(page.GetByTestId("campaign-preview-item")).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByTestId("campaign-preview-item").Nth(2)).ToContainTextAsync("Hi Zoë, see you at 11:15.");
        await Assertions.Expect(page.GetByTestId("campaign-list-item")).ToHaveCountAsync(1);
        await BrowserAppFactory.ScreenshotAsync(page, "campaign-draft");

        await page.GetByTestId("campaign-start").ClickAsync();

        await Assertions.Expect(page.GetByTestId("campaign-progress")).ToHaveAttributeAsync("aria-valuenow", "100", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("campaign-state")).ToHaveTextAsync("completed");
        await Assertions.Expect(page.GetByTestId("campaign-row").GetByTestId("status-badge")).ToHaveCountAsync(3);
        foreach (var badge in await page.GetByTestId("campaign-row").GetByTestId("status-badge").AllAsync())
            await Assertions.Expect(badge).ToHaveAttributeAsync("data-status", "delivered");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("campaign-export").ClickAsync());
        var exported = await File.ReadAllTextAsync((await download.PathAsync())!);
        exported.ShouldContain("Zoë");
        exported.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains(",delivered,", StringComparison.Ordinal)).ShouldBe(3);
        await BrowserAppFactory.ScreenshotAsync(page, "campaign-finished");
    }
}

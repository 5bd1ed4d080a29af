using App.Tests.Support;
using App.Twilio.Simulator;
using Microsoft.Playwright;

namespace App.Tests.Browser;

public sealed class OperatorBrowserAppFactory : BrowserAppFactory
{
    public OperatorBrowserAppFactory() => Settings["Operator:ApiKey"] = AppFactory.OperatorKey;
}

/// <summary>What the vendor's staff do in the operator console, in real Chromium against the real app and the simulator.</summary>
[Collection("browser")]
public sealed class OperatorConsoleTests(OperatorBrowserAppFactory factory) : IClassFixture<OperatorBrowserAppFactory>
{
    private static async Task SendAsync(TestTenant tenant, params string[] numbers)
    {
        foreach (var to in numbers)
            await (await tenant.Client().PostJsonAsync("/api/communication/sms/send", new { to, message = "Your appointment is tomorrow." })).ShouldBeSuccessAsync();
        // Wait until the simulator has finished with them, so the overview counts their failures.
        await Eventually.GetAsync(async () => await (await tenant.Client().GetAsync("/api/communication/history?status=queued,sending,sent")).ShouldBeSuccessAsync(),
            items => items.GetArrayLength() == 0, TimeSpan.FromSeconds(30), $"{tenant.Name}'s messages to finish");
    }

    [Fact]
    public async Task The_operator_signs_in_finds_the_failing_tenant_rotates_its_key_and_the_old_key_is_refused()
    {
        var healthy = await factory.CreateTenantAsync("Harbor Dental");
        var failing = await factory.CreateTenantAsync("Lakeside Dental");
        await SendAsync(healthy, "+14155550160", "+14155550161");
        await SendAsync(failing, MagicNumbers.Failed, MagicNumbers.Undelivered, MagicNumbers.InvalidNumber, "+14155550162");
        var page = await factory.NewPageAsync(1280, 800);
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);

        // Signing in: the key leaves the address bar at once and only a session token stays in the tab.
        await page.GotoAsync($"/operator?key={Uri.EscapeDataString(AppFactory.OperatorKey)}");
        await Assertions.Expect(page.GetByTestId("overview-table")).ToBeVisibleAsync();
        page.Url.ShouldNotContain("key=");
        var storage = await page.EvaluateAsync<string>("() => JSON.stringify(sessionStorage)");
        storage.ShouldNotContain(AppFactory.OperatorKey);
        storage.ShouldContain("sbo.");
        await BrowserAppFactory.ScreenshotAsync(page, "operator-overview");

        // The failing tenant: first by error rate, and alone under "Failing".
        await page.GetByTestId("sort-error_rate").ClickAsync();
        await Assertions.Expect(page.GetByTestId("overview-row").First).ToHaveAttributeAsync("data-tenant", failing.Id);
        await page.GetByTestId("filter-failing").ClickAsync();
        var rows = page.GetByTestId("overview-row");
        await Assertions.Expect(rows.Filter(new() { HasText = "Lakeside Dental" })).ToHaveCountAsync(1);
        await Assertions.Expect(rows.Filter(new() { HasText = "Harbor Dental" })).ToHaveCountAsync(0);
        var failingRow = rows.Filter(new() { HasText = "Lakeside Dental" });
        await Assertions.Expect(failingRow.GetByTestId("attention-failing")).ToBeVisibleAsync();
        await Assertions.Expect(failingRow.GetByTestId("failures-cell")).ToContainTextAsync("75 %");

        // Its page shows the Twilio failures; rotate its key there.
        await page.GetByTestId($"open-{failing.Id}").ClickAsync();
        await Assertions.Expect(page.GetByTestId("operator-tenant-name")).ToHaveTextAsync("Lakeside Dental");
        await Assertions.Expect(page.GetByTestId("operator-failure")).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByTestId("operator-failures")).ToContainTextAsync(MagicNumbers.Failed);
        await page.GetByTestId("action-rotate-key").ClickAsync();
        await page.GetByTestId("confirm-ok").ClickAsync();

        var shown = page.GetByTestId("rotated-key-value");
        await Assertions.Expect(shown).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^sb_"));
        var newKey = await shown.InputValueAsync();
        newKey.ShouldNotBe(failing.ApiKey);
        await page.GetByTestId("rotated-key-copy").ClickAsync();
        await Assertions.Expect(page.GetByTestId("rotated-key-copied")).ToHaveTextAsync("Copied.");
        (await page.EvaluateAsync<string>("() => navigator.clipboard.readText()")).ShouldBe(newKey);
        await BrowserAppFactory.ScreenshotAsync(page, "operator-rotated-key");
        await page.GetByTestId("rotated-key-done").ClickAsync();
        await Assertions.Expect(page.GetByTestId("operator-trail-entry").First).ToContainTextAsync("Rotated the API key");

        // The old key is refused, by the API and by the admin pages; the new one opens them.
        await (await failing.Client().GetAsync("/api/tenant/profile")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
        var withOldKey = await factory.NewPageAsync();
        await withOldKey.GotoAsync($"/admin/{failing.Id}?apiKey={Uri.EscapeDataString(failing.ApiKey)}");
        await Assertions.Expect(withOldKey.GetByTestId("session-expired")).ToBeVisibleAsync();
        var withNewKey = await factory.NewPageAsync();
        await withNewKey.GotoAsync($"/admin/{failing.Id}?apiKey={Uri.EscapeDataString(newKey)}");
        await Assertions.Expect(withNewKey.GetByTestId("tenant-name")).ToContainTextAsync("Lakeside Dental");
    }

    [Fact]
    public async Task A_wrong_key_is_refused_and_signing_out_ends_the_session()
    {
        var page = await factory.NewPageAsync();

        await page.GotoAsync("/operator");
        await page.GetByTestId("operator-key").FillAsync("op_not_the_key");
        await page.GetByTestId("operator-sign-in-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("operator-sign-in-error")).ToContainTextAsync("not valid");

        await page.GetByTestId("operator-key").FillAsync(AppFactory.OperatorKey);
        await page.GetByTestId("operator-sign-in-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("tenant-search")).ToBeVisibleAsync();
        var token = await page.EvaluateAsync<string>("() => JSON.parse(sessionStorage.getItem('switchboard.operator')).token");

        await page.GetByTestId("operator-sign-out").ClickAsync();
        await Assertions.Expect(page.GetByTestId("operator-sign-in")).ToBeVisibleAsync();
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        await (await client.GetAsync("/api/system/overview")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
    }
}

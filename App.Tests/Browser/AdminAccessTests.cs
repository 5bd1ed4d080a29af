using App.Tests.Support;
using Microsoft.Playwright;

namespace App.Tests.Browser;

[Collection("browser")]
public sealed class AdminAccessTests(BrowserAppFactory factory) : IClassFixture<BrowserAppFactory>
{
    [Fact]
    public async Task Opening_the_admin_with_an_API_key_shows_the_dashboard_and_removes_the_key_from_the_address_bar()
    {
        var tenant = await factory.CreateTenantAsync("Harbor Dental");
        var page = await factory.NewPageAsync();
        var thirdPartyRequests = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(factory.BaseAddress.ToString(), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
                thirdPartyRequests.Add(request.Url);
        };

        await page.GotoAsync($"/admin/{tenant.Id}?apiKey={Uri.EscapeDataString(tenant.ApiKey)}");

        await Assertions.Expect(page.GetByTestId("tenant-name")).ToContainTextAsync("Harbor Dental");
        await Assertions.Expect(page.GetByTestId("simulation-badge")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("nav-voice")).ToBeVisibleAsync();
        page.Url.ShouldNotContain("apiKey");
        page.Url.ShouldNotContain(tenant.ApiKey);
        thirdPartyRequests.ShouldBeEmpty();
        await BrowserAppFactory.ScreenshotAsync(page, "dashboard");
    }

    [Fact]
    public async Task Opening_the_admin_with_an_embed_token_works_and_the_token_leaves_the_address_bar()
    {
        var tenant = await factory.CreateTenantAsync("Embed Dental");
        var minted = await (await tenant.Client().PostJsonAsync("/api/tenant/embed-token", new { ttl_minutes = 10 })).ShouldBeSuccessAsync();
        var url = minted.GetProperty("url").GetString()!;
        var token = minted.GetProperty("token").GetString()!;
        var page = await factory.NewPageAsync();

        await page.GotoAsync(url);

        await Assertions.Expect(page.GetByTestId("tenant-name")).ToContainTextAsync("Embed Dental");
        await Assertions.Expect(page.GetByTestId("nav-sms")).ToBeVisibleAsync();
        page.Url.ShouldNotContain("token=");
        page.Url.ShouldNotContain(token);
        (await page.EvaluateAsync<string>("() => JSON.stringify(sessionStorage)")).ShouldContain(token);
        (await page.Context.CookiesAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_person_signs_in_with_a_username_and_password()
    {
        var tenant = await factory.CreateTenantAsync("Sign-in Dental");
        (await tenant.Client().PostJsonAsync("/api/users", new
        {
            username = "reception", display_name = "Front Desk", password = "correct horse battery", permissions = new[] { "send_sms", "view_logs" },
        })).EnsureSuccessStatusCode();
        var page = await factory.NewPageAsync();
        await page.GotoAsync($"/admin/{tenant.Id}");

        await page.GetByTestId("login-username").FillAsync("reception");
        await page.GetByTestId("login-password").FillAsync("correct horse battery");
        await page.GetByTestId("login-submit").ClickAsync();

        await Assertions.Expect(page.GetByTestId("tenant-name")).ToContainTextAsync("Sign-in Dental");
        await Assertions.Expect(page.GetByTestId("nav-sms")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("nav-users")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Without_a_credential_the_page_asks_to_sign_in()
    {
        var tenant = await factory.CreateTenantAsync();
        var page = await factory.NewPageAsync();

        await page.GotoAsync($"/admin/{tenant.Id}");

        await Assertions.Expect(page.GetByTestId("login-form")).ToBeVisibleAsync();
        await BrowserAppFactory.ScreenshotAsync(page, "sign-in");
    }

    [Fact]
    public async Task A_wrong_key_shows_a_clear_screen_not_a_broken_page()
    {
        var tenant = await factory.CreateTenantAsync();
        var page = await factory.NewPageAsync();

        await page.GotoAsync($"/admin/{tenant.Id}?apiKey=sb_wrongwrongwrongwrongwrongwrongwrong0000000");

        await Assertions.Expect(page.GetByTestId("session-expired")).ToBeVisibleAsync();
        page.Url.ShouldNotContain("apiKey");
    }
}

[CollectionDefinition("browser", DisableParallelization = true)]
public sealed class BrowserCollection;

using App.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace App.Tests.Browser;

/// <summary>
/// A vendor page on another origin (another loopback port) frames the admin UI, as a Delphi host page would. The app's
/// CSP frame-ancestors lets the tenant's allowed origins in and keeps every other origin out.
/// </summary>
[Collection("browser")]
public sealed class EmbeddingTests(BrowserAppFactory factory) : IClassFixture<BrowserAppFactory>, IAsyncLifetime
{
    private WebApplication? _host;
    private string _hostOrigin = "";
    private string _frameUrl = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _host = builder.Build();
        _host.MapGet("/host.html", () => Results.Content(
            $"<!doctype html><title>Vendor CRM</title><h1>Vendor CRM</h1><iframe id=\"sb\" src=\"{_frameUrl}\" width=\"800\" height=\"600\"></iframe>",
            "text/html"));
        await _host.StartAsync();
        _hostOrigin = _host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    private async Task<IFrame> FrameOfHostPageAsync(TestTenant tenant)
    {
        _frameUrl = $"{factory.BaseAddress.ToString().TrimEnd('/')}/admin/{tenant.Id}?apiKey={Uri.EscapeDataString(tenant.ApiKey)}";
        var page = await factory.NewPageAsync(1000, 760);
        await page.GotoAsync(_hostOrigin + "/host.html");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        return page.Frames.Single(f => f != page.MainFrame);
    }

    [Fact]
    public async Task An_allowed_origin_can_frame_the_admin_UI()
    {
        var tenant = await factory.CreateTenantAsync("Framed Dental");
        (await tenant.Client().PutJsonAsync("/api/tenant/profile", new { name = "Framed Dental", settings = new { allowed_embed_origins = new[] { _hostOrigin } } }))
            .EnsureSuccessStatusCode();

        var frame = await FrameOfHostPageAsync(tenant);

        await Assertions.Expect(frame.GetByTestId("tenant-name")).ToContainTextAsync("Framed Dental");
        await BrowserAppFactory.ScreenshotAsync(frame.Page, "embedded-allowed");
    }

    [Fact]
    public async Task Any_other_origin_is_refused()
    {
        var tenant = await factory.CreateTenantAsync("Private Dental");
        (await tenant.Client().PutJsonAsync("/api/tenant/profile", new { name = "Private Dental", settings = new { allowed_embed_origins = new[] { "https://crm.example.com" } } }))
            .EnsureSuccessStatusCode();

        var frame = await FrameOfHostPageAsync(tenant);

        await Assertions.Expect(frame.GetByTestId("tenant-name")).ToHaveCountAsync(0);
        (await frame.ContentAsync()).ShouldNotContain("Private Dental");
        await BrowserAppFactory.ScreenshotAsync(frame.Page, "embedded-refused");
    }

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}

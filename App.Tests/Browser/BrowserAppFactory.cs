using App.Tests.Support;
using Microsoft.Playwright;

namespace App.Tests.Browser;

/// <summary>
/// The real app on a loopback socket with the Twilio simulator, plus a real headless Chromium (Debian's package,
/// /usr/bin/chromium, or CHROMIUM_PATH) driven by Playwright. Screenshots go to test-results/screenshots.
/// </summary>
public class BrowserAppFactory : KestrelAppFactory, IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ScreenshotDirectory { get; } = Path.Combine(RepoPaths.Root, "test-results", "screenshots");

    public async Task InitializeAsync()
    {
        var executable = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        if (!File.Exists(executable))
            throw new InvalidOperationException($"Chromium is not installed at {executable}: run 'apt-get install chromium' (.ci/run does).");
        if (!File.Exists(Path.Combine(RepoPaths.Root, "App", "wwwroot", "index.html")))
            throw new InvalidOperationException("The admin UI is not built: build App without -p:SkipSpaBuild=true.");

        Directory.CreateDirectory(ScreenshotDirectory);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            // This machine's network is closed: background traffic only produces refused connections.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
        _ = BaseAddress; // start the server
    }

    public async Task<IPage> NewPageAsync(int width = 800, int height = 600)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            BaseURL = BaseAddress.ToString(),
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        await base.DisposeAsync();
    }
}

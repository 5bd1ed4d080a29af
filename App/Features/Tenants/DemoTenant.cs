using App.Infrastructure.Hosting;

namespace App.Features.Tenants;

public static class DemoTenant
{
    /// <summary>
    /// Zero-config first run: with no tenant at all, create a demo tenant and print its admin URL (with its key) once,
    /// on the console only — never through the logger.
    /// </summary>
    public static async Task SeedDemoTenantAsync(this IServiceProvider services, IConfiguration configuration)
    {
        if (!configuration.GetValue("App:SeedDemoTenant", true)) return;
        var provisioning = services.GetRequiredService<TenantProvisioning>();
        if (await provisioning.AnyAsync()) return;

        var demo = await provisioning.CreateAsync("Demo Dental", "demo");
        var baseUrl = services.GetRequiredService<PublicUrls>().BaseUrl;
        Console.WriteLine($"""

            ==> Created the demo tenant '{demo.Id}'. Its API key is shown only now:
                {demo.ApiKey}
                Admin UI: {baseUrl}/admin/{demo.Id}?apiKey={demo.ApiKey}
                API docs: {baseUrl}/scalar

            """);
    }
}

namespace App.Infrastructure.Hosting;

/// <summary>
/// Serves the built admin SPA (web/ → wwwroot). Only "/", "/admin/..." and, when an operator key is configured,
/// "/operator/..." fall back to index.html, so unknown /api, /webhooks, /health and /metrics paths never turn into an
/// HTML page. The admin page's CSP frame-ancestors comes from the tenant's allowed embed origins ('self' when none); the
/// operator console is never framed (see docs/decisions.md, "Security").
/// </summary>
public static class SpaHosting
{
    public static void UseSpaStaticFiles(this WebApplication app)
    {
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                // Vite fingerprints everything under /assets, so those files never change under the same name.
                headers.CacheControl = context.Context.Request.Path.StartsWithSegments("/assets")
                    ? "public, max-age=31536000, immutable"
                    : "no-cache";
                headers.XContentTypeOptions = "nosniff";
            },
        });
    }

    public static void MapSpa(this WebApplication app)
    {
        app.MapGet("/", ServeIndexAsync).ExcludeFromDescription();
        app.MapGet("/admin", ServeIndexAsync).ExcludeFromDescription();
        app.MapGet("/admin/{tenantId}", ServeIndexAsync).ExcludeFromDescription();
        app.MapGet("/admin/{tenantId}/{**rest}", ServeIndexAsync).ExcludeFromDescription();
        // The operator console exists only with an operator key, like the operator API it calls.
        if (!OperatorApi.IsConfigured(app.Configuration)) return;
        app.MapGet("/operator", ServeOperatorIndexAsync).ExcludeFromDescription();
        app.MapGet("/operator/{**rest}", ServeOperatorIndexAsync).ExcludeFromDescription();
    }

    private static async Task ServeIndexAsync(HttpContext context, IWebHostEnvironment environment, TenantDirectory directory)
    {
        var tenantId = context.Request.RouteValues["tenantId"] as string;
        IReadOnlyList<string> origins = tenantId is null ? [] : (await directory.SettingsAsync(tenantId, context.RequestAborted))?.AllowedEmbedOrigins ?? [];
        await SendIndexAsync(context, environment, string.Join(' ', ["'self'", .. origins]));
    }

    private static Task ServeOperatorIndexAsync(HttpContext context, IWebHostEnvironment environment) =>
        SendIndexAsync(context, environment, "'none'");

    private static async Task SendIndexAsync(HttpContext context, IWebHostEnvironment environment, string frameAncestors)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy =
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
            "media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; " +
            "frame-ancestors " + frameAncestors;
        // The first load may carry ?apiKey= (or the operator key) in the URL: never leak it to another site through Referer.
        headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-store";

        var index = environment.WebRootFileProvider.GetFileInfo("index.html");
        if (!index.Exists)
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("The admin UI has not been built. Build App without -p:SkipSpaBuild=true.");
            return;
        }

        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.SendFileAsync(index);
    }
}

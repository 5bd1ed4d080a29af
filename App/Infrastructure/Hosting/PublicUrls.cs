using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace App.Infrastructure.Hosting;

/// <summary>
/// How Twilio (and browsers) reach this app: <c>App:PublicBaseUrl</c> when set (always in production, behind Fly's
/// proxy), otherwise the address the server is listening on, so that a local run and the simulator work with no
/// configuration. Used for TwiML URLs, status callbacks, media links and signature checks.
/// </summary>
public sealed class PublicUrls(IConfiguration configuration, IServer server)
{
    public string BaseUrl
    {
        get
        {
            if (Configured(configuration) is { } configured) return configured;

            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? configuration["Urls"]?.Split(';')[0]
                ?? "http://localhost:5080";
            return address.Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
                .Replace("://[::]", "://localhost", StringComparison.Ordinal)
                .Replace("://+", "://localhost", StringComparison.Ordinal)
                .Replace("://*", "://localhost", StringComparison.Ordinal)
                .TrimEnd('/');
        }
    }

    /// <summary>
    /// The base a request was made to: <c>App:PublicBaseUrl</c> when set, otherwise its scheme and host (after the
    /// forwarded headers). What Twilio signed, when it calls a webhook.
    /// </summary>
    public static string OfRequest(HttpContext context, IConfiguration configuration) =>
        Configured(configuration) ?? $"{context.Request.Scheme}://{context.Request.Host}";

    private static string? Configured(IConfiguration configuration) =>
        configuration["App:PublicBaseUrl"] is { } configured && !string.IsNullOrWhiteSpace(configured) ? configured.TrimEnd('/') : null;

    /// <summary>An absolute URL for an app path such as "/webhooks/twilio/acme/sms".</summary>
    public string For(string pathAndQuery) => BaseUrl + (pathAndQuery.StartsWith('/') ? pathAndQuery : "/" + pathAndQuery);
}

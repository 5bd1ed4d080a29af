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
            var configured = configuration["App:PublicBaseUrl"];
            if (!string.IsNullOrWhiteSpace(configured)) return configured.TrimEnd('/');

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

    /// <summary>An absolute URL for an app path such as "/webhooks/twilio/acme/sms".</summary>
    public string For(string pathAndQuery) => BaseUrl + (pathAndQuery.StartsWith('/') ? pathAndQuery : "/" + pathAndQuery);
}

using System.Globalization;
using System.Threading.RateLimiting;

namespace App.Infrastructure.Hosting;

/// <summary>
/// Per-tenant request limits (a token bucket per tenant; anonymous callers are limited per IP).
/// Configured under <c>RateLimits:</c> — <c>TenantPermitsPerSecond</c> (default 50) and <c>TenantBurst</c> (default 200).
/// </summary>
public static class RateLimits
{
    public const string TenantPolicy = "tenant";

    public static IServiceCollection AddTenantRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var perSecond = configuration.GetValue("RateLimits:TenantPermitsPerSecond", 50);
        var burst = configuration.GetValue("RateLimits:TenantBurst", 200);

        return services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(TenantPolicy, context =>
            {
                var partition = context.User.TenantIdOrNull() ?? "ip:" + context.Connection.RemoteIpAddress;
                return RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = burst,
                    TokensPerPeriod = perSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            options.OnRejected = async (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
                    ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))
                    : 1;
                rejected.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await Api.Error(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
                    $"Too many requests for this tenant; retry after {retryAfter} s.",
                    new Dictionary<string, int> { ["retry_after_seconds"] = retryAfter }).ExecuteAsync(rejected.HttpContext);
            };
        });
    }
}

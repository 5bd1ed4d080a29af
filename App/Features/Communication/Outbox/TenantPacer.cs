using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace App.Features.Communication.Outbox;

/// <summary>
/// Per-tenant pacing of sends handed to Twilio (<c>Outbox:TenantSendsPerSecond</c>). Twilio queues per sender, but
/// one tenant's runaway client must neither flood Twilio nor hold up everyone else's messages.
/// </summary>
public sealed class TenantPacer(IOptions<OutboxOptions> options) : IDisposable
{
    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _buckets = new(StringComparer.Ordinal);

    public bool TryAcquire(string tenantId)
    {
        var bucket = _buckets.GetOrAdd(tenantId, _ =>
        {
            var perSecond = Math.Max(0.1, options.Value.TenantSendsPerSecond);
            var (tokens, period) = perSecond >= 1
                ? ((int)Math.Round(perSecond), TimeSpan.FromSeconds(1))
                : (1, TimeSpan.FromSeconds(1 / perSecond));
            return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = tokens,
                TokensPerPeriod = tokens,
                ReplenishmentPeriod = period,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
        using var lease = bucket.AttemptAcquire();
        return lease.IsAcquired;
    }

    public void Dispose()
    {
        foreach (var bucket in _buckets.Values) bucket.Dispose();
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace App.Features.Auth;

/// <summary>
/// Counts failed sign-ins in memory over a sliding window: more than <c>Auth:MaxFailuresPerUser</c> for one
/// (tenant, username), or <c>Auth:MaxFailuresPerIp</c> from one address, and sign-in answers 429 until the oldest
/// failure leaves the window. A success clears the user's count (not the address's). One process, one memory: fine
/// for a single-machine deployment; restarting forgets the counts.
/// </summary>
public sealed class LoginThrottle(IOptions<AuthOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);
    private readonly TimeSpan _window = TimeSpan.FromMinutes(options.Value.FailureWindowMinutes);
    private readonly int _perUser = options.Value.MaxFailuresPerUser;
    private readonly int _perIp = options.Value.MaxFailuresPerIp;

    /// <summary>How long to wait when this sign-in is throttled; null when it may proceed.</summary>
    public TimeSpan? RetryAfter(string tenantId, string username, string? ip)
    {
        var now = time.GetUtcNow();
        var wait = Wait(UserKey(tenantId, username), _perUser, now);
        if (ip is not null && Wait(IpKey(ip), _perIp, now) is { } ipWait && (wait is null || ipWait > wait)) wait = ipWait;
        return wait;
    }

    public void RecordFailure(string tenantId, string username, string? ip)
    {
        var now = time.GetUtcNow();
        Add(UserKey(tenantId, username), now);
        if (ip is not null) Add(IpKey(ip), now);
        if (_failures.Count > 10_000) Sweep(now);
    }

    public void RecordSuccess(string tenantId, string username) => _failures.TryRemove(UserKey(tenantId, username), out _);

    private TimeSpan? Wait(string key, int limit, DateTimeOffset now)
    {
        if (!_failures.TryGetValue(key, out var queue)) return null;
        lock (queue)
        {
            Trim(queue, now);
            if (queue.Count < limit) return null;
            // Blocked until enough failures age out for the count to drop below the limit.
            var releasing = queue.ElementAt(queue.Count - limit);
            return releasing + _window - now;
        }
    }

    private void Add(string key, DateTimeOffset now)
    {
        var queue = _failures.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            Trim(queue, now);
            queue.Enqueue(now);
        }
    }

    private void Trim(Queue<DateTimeOffset> queue, DateTimeOffset now)
    {
        while (queue.Count > 0 && queue.Peek() + _window <= now) queue.Dequeue();
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, queue) in _failures)
        {
            lock (queue)
            {
                Trim(queue, now);
                if (queue.Count == 0) _failures.TryRemove(key, out _);
            }
        }
    }

    private static string UserKey(string tenantId, string username) =>
        "u:" + tenantId.Trim().ToLowerInvariant() + "\n" + username.Trim().ToLowerInvariant();

    private static string IpKey(string ip) => "ip:" + ip;
}

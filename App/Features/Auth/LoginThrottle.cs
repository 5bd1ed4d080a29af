using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace App.Features.Auth;

/// <summary>
/// Counts failed sign-ins over a sliding window: more than <c>Auth:MaxFailuresPerUser</c> for one
/// (tenant, username), or <c>Auth:MaxFailuresPerIp</c> from one address, and sign-in answers 429 until the oldest
/// failure that counts leaves the window. A success clears the user's count (not the address's). The failures are
/// rows of <c>login_failures</c>, so a restart (or a deploy) does not hand a guesser a fresh set of attempts; each
/// row is keyed by a SHA-256 of who failed, so a password typed into the username field is never stored.
/// </summary>
public sealed class LoginThrottle(Db db, IOptions<AuthOptions> options, TimeProvider time)
{
    private readonly TimeSpan _window = TimeSpan.FromMinutes(options.Value.FailureWindowMinutes);
    private readonly int _perUser = options.Value.MaxFailuresPerUser;
    private readonly int _perIp = options.Value.MaxFailuresPerIp;

    /// <summary>How long to wait when this sign-in is throttled; null when it may proceed.</summary>
    public async Task<TimeSpan?> RetryAfterAsync(string tenantId, string username, string? ip, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await db.OpenAsync(cancellationToken);
        var wait = await WaitAsync(connection, UserKey(tenantId, username), _perUser, now);
        if (ip is not null && await WaitAsync(connection, IpKey(ip), _perIp, now) is { } ipWait && (wait is null || ipWait > wait)) wait = ipWait;
        return wait;
    }

    public async Task RecordFailureAsync(string tenantId, string username, string? ip, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var failedAt = Db.Timestamp(now);
        await connection.ExecuteAsync("INSERT INTO login_failures (throttle_key, failed_at) VALUES (@key, @failedAt)",
            ip is null ? [new { key = UserKey(tenantId, username), failedAt }] : new[] { new { key = UserKey(tenantId, username), failedAt }, new { key = IpKey(ip), failedAt } },
            transaction);
        // Failures that left the window count for nothing any more.
        await connection.ExecuteAsync("DELETE FROM login_failures WHERE failed_at <= @since", new { since = Db.Timestamp(now - _window) }, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task RecordSuccessAsync(string tenantId, string username, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("DELETE FROM login_failures WHERE throttle_key = @key", new { key = UserKey(tenantId, username) });
    }

    private async Task<TimeSpan?> WaitAsync(Microsoft.Data.Sqlite.SqliteConnection connection, string key, int limit, DateTimeOffset now)
    {
        // Blocked while `limit` failures are inside the window: until the limit-th newest of them ages out.
        var releasing = await connection.QuerySingleOrDefaultAsync<string?>("""
            SELECT failed_at FROM login_failures WHERE throttle_key = @key AND failed_at > @since
            ORDER BY failed_at DESC LIMIT 1 OFFSET @skip
            """, new { key, since = Db.Timestamp(now - _window), skip = limit - 1 });
        if (releasing is null) return null;
        var failedAt = DateTimeOffset.Parse(releasing, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        return failedAt + _window - now;
    }

    private static string UserKey(string tenantId, string username) =>
        Hash("user:" + tenantId.Trim().ToLowerInvariant() + "\n" + username.Trim().ToLowerInvariant());

    private static string IpKey(string ip) => Hash("ip:" + ip);

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}

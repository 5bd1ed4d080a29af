using App.Infrastructure.Security;
using App.Twilio.Simulator;
using Microsoft.Extensions.Caching.Memory;

// Ours: which Twilio account each tenant sends through and signs its webhooks with is this product's data.
namespace App.Twilio;

/// <summary>
/// The Twilio account a tenant sends through: its own (Live mode: account SID with auth token, or an API key SID with
/// its secret) or its simulated one (Simulated mode). Also the auth token that signs the tenant's webhooks.
/// Every send and every callback asks, so accounts are cached until the tenant changes (<see cref="TenantDirectory.Invalidate"/>).
/// </summary>
public sealed class TwilioAccounts(Db db, SecretProtector secrets, SimulatedAccounts simulated, IConfiguration configuration,
    TenantDirectory directory, IMemoryCache cache)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    public sealed record Account(string TenantId, TwilioCredentials? Credentials, string? AuthToken, string? FromNumber, bool Simulated)
    {
        /// <summary>Why this tenant cannot send, or null when it can.</summary>
        public string? MissingConfiguration => Credentials is null
            ? "The tenant has no Twilio credentials: set the account SID and auth token in the profile."
            : FromNumber is null ? "The tenant has no sending number: set from_number in the profile." : null;
    }

    private sealed class Row
    {
        public string? TwilioSid { get; init; }
        public string? TwilioTokenEncrypted { get; init; }
        public string? TwilioApiKeySid { get; init; }
        public string? TwilioApiSecretEncrypted { get; init; }
        public string? FromNumber { get; init; }
    }

    public bool IsSimulated => TwilioMode.IsSimulated(configuration);

    public async Task<Account?> FindAsync(string tenantId, CancellationToken cancellationToken)
    {
        var cacheKey = "twilio-account:" + tenantId;
        if (cache.TryGetValue(cacheKey, out Account? cached)) return cached;

        var changes = directory.ChangeToken();
        var account = await ReadAsync(tenantId, cancellationToken);
        // Unknown tenants are not remembered: one created a moment later must be found.
        if (account is not null) cache.Set(cacheKey, account, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = CacheFor }.AddExpirationToken(changes));
        return account;
    }

    private async Task<Account?> ReadAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>("""
            SELECT twilio_sid, twilio_token_encrypted, twilio_api_key_sid, twilio_api_secret_encrypted, from_number
            FROM tenants WHERE id = @tenantId
            """, new { tenantId });
        if (row is null) return null;

        if (IsSimulated)
        {
            var credentials = simulated.CredentialsFor(tenantId);
            return new Account(tenantId, credentials, credentials.Secret, row.FromNumber ?? SimulatedAccounts.DefaultFromNumber, Simulated: true);
        }

        var authToken = secrets.Unprotect(row.TwilioTokenEncrypted);
        var apiSecret = secrets.Unprotect(row.TwilioApiSecretEncrypted);
        TwilioCredentials? live = row.TwilioSid is null ? null
            : row.TwilioApiKeySid is not null && apiSecret is not null ? new TwilioCredentials(row.TwilioSid, row.TwilioApiKeySid, apiSecret)
            : authToken is not null ? TwilioCredentials.FromAuthToken(row.TwilioSid, authToken)
            : null;
        return new Account(tenantId, live, authToken, row.FromNumber, Simulated: false);
    }
}

/// <summary>
/// <c>Twilio:Mode</c>: everything goes to the built-in simulator unless it is <c>Live</c>, so a fresh clone works with no
/// Twilio account and nothing reaches real phones by accident.
/// </summary>
public static class TwilioMode
{
    public static bool IsSimulated(IConfiguration configuration) =>
        !string.Equals(configuration["Twilio:Mode"], "Live", StringComparison.OrdinalIgnoreCase);
}

using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Primitives;

namespace App.Infrastructure.Tenancy;

/// <summary>
/// Finds the active tenant that owns an API key hash, and a tenant's settings. Answers are cached briefly because
/// every API request (and every send) asks; anything that changes a tenant (key, name, state, profile, settings,
/// Twilio credentials) calls <see cref="Invalidate"/>, which also drops what others cached with <see cref="ChangeToken"/>.
/// Changes made by another process (the command line on the same data directory) arrive through
/// <see cref="DataChangeWatch"/>, which invalidates before the next request is authenticated.
/// </summary>
public sealed class TenantDirectory : IDisposable
{
    public sealed record Entry(string Id, string Name, string ApiKeyHash, string ApiKeyPrefix);

    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private readonly Db _db;
    private readonly IMemoryCache _cache;
    private CancellationTokenSource _generation = new();

    public TenantDirectory(Db db, IMemoryCache cache, DataChangeWatch changes)
    {
        _db = db;
        _cache = cache;
        changes.OnChange(DataChangeWatch.Tenants, Invalidate);
    }

    public async Task<Entry?> FindByKeyHashAsync(string keyHash, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(CacheKey(keyHash), out Entry? cached)) return cached;

        var changes = ChangeToken();
        await using var connection = await _db.OpenAsync(cancellationToken);
        var entry = await connection.QuerySingleOrDefaultAsync<Entry>(
            "SELECT id, name, api_key_hash, api_key_prefix FROM tenants WHERE api_key_hash = @keyHash AND is_active = 1",
            new { keyHash });

        using var cacheEntry = _cache.CreateEntry(CacheKey(keyHash));
        cacheEntry.Value = entry;
        cacheEntry.AbsoluteExpirationRelativeToNow = CacheFor;
        cacheEntry.AddExpirationToken(changes);
        return entry;
    }

    /// <summary>An active tenant's settings; null for an unknown or disabled tenant.</summary>
    public async Task<TenantSettings?> SettingsAsync(string tenantId, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(SettingsCacheKey(tenantId), out TenantSettings? cached)) return cached;

        var changes = ChangeToken();
        await using var connection = await _db.OpenAsync(cancellationToken);
        var json = await connection.QuerySingleOrDefaultAsync<string?>(
            "SELECT COALESCE(settings, '') FROM tenants WHERE id = @tenantId AND is_active = 1", new { tenantId });
        // Unknown and disabled tenants are not remembered: one created or enabled a moment later must be found.
        if (json is null) return null;
        var settings = TenantSettings.Parse(json);

        using var cacheEntry = _cache.CreateEntry(SettingsCacheKey(tenantId));
        cacheEntry.Value = settings;
        cacheEntry.AbsoluteExpirationRelativeToNow = CacheFor;
        cacheEntry.AddExpirationToken(changes);
        return settings;
    }

    /// <summary>Fires at the next <see cref="Invalidate"/>: for caches of anything read from the tenants table.</summary>
    public IChangeToken ChangeToken() => new CancellationChangeToken(_generation.Token);

    public void Invalidate()
    {
        var previous = Interlocked.Exchange(ref _generation, new CancellationTokenSource());
        previous.Cancel();
        previous.Dispose();
    }

    public void Dispose() => _generation.Dispose();

    private static string CacheKey(string keyHash) => "tenant-key:" + keyHash;
    private static string SettingsCacheKey(string tenantId) => "tenant-settings:" + tenantId;
}

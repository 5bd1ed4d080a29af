using App.Infrastructure.Database;
using Dapper;
using Microsoft.Extensions.Caching.Memory;

namespace App.Infrastructure.Tenancy;

/// <summary>
/// Finds the active tenant that owns an API key hash. Answers are cached briefly because every API request asks;
/// anything that rotates a key, disables a tenant or renames it calls <see cref="Invalidate"/>.
/// </summary>
public sealed class TenantDirectory(Db db, IMemoryCache cache) : IDisposable
{
    public sealed record Entry(string Id, string Name, string ApiKeyHash, string ApiKeyPrefix);

    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private CancellationTokenSource _generation = new();

    public async Task<Entry?> FindByKeyHashAsync(string keyHash, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(CacheKey(keyHash), out Entry? cached)) return cached;

        await using var connection = await db.OpenAsync(cancellationToken);
        var entry = await connection.QuerySingleOrDefaultAsync<Entry>(
            "SELECT id, name, api_key_hash, api_key_prefix FROM tenants WHERE api_key_hash = @keyHash AND is_active = 1",
            new { keyHash });

        using var cacheEntry = cache.CreateEntry(CacheKey(keyHash));
        cacheEntry.Value = entry;
        cacheEntry.AbsoluteExpirationRelativeToNow = CacheFor;
        cacheEntry.AddExpirationToken(new Microsoft.Extensions.Primitives.CancellationChangeToken(_generation.Token));
        return entry;
    }

    public void Invalidate()
    {
        var previous = Interlocked.Exchange(ref _generation, new CancellationTokenSource());
        previous.Cancel();
        previous.Dispose();
    }

    public void Dispose() => _generation.Dispose();

    private static string CacheKey(string keyHash) => "tenant-key:" + keyHash;
}

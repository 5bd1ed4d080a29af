using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;

namespace App.Features.VoiceMessages;

/// <summary>
/// The answers of <see cref="ListVoiceMessages"/> per tenant and query, valid while the tenant's voice messages stay
/// as they were. Every writer of voice_messages calls <see cref="Invalidate"/> after its write committed, which bumps
/// the tenant's version; an answer is served only while the version it was read under is still the current one.
/// Writes by another process (an import on the same data directory) arrive through <see cref="DataChangeWatch"/>,
/// which moves every tenant's version at once.
/// </summary>
public sealed class VoiceMessageListCache : IDisposable
{
    public VoiceMessageListCache(DataChangeWatch changes) => changes.OnChange(DataChangeWatch.VoiceMessages, InvalidateAll);

    private const long MaxBytes = 32 * 1024 * 1024;
    private static readonly TimeSpan Unused = TimeSpan.FromMinutes(5);

    private readonly MemoryCache _answers = new(new MemoryCacheOptions { SizeLimit = MaxBytes });

    // Never shrinks (one number per tenant): dropping a tenant's entry would restart its versions and could revive old answers.
    private readonly ConcurrentDictionary<string, long> _versions = new(StringComparer.Ordinal);

    // Moved by changes from other processes. A version is the sum of both counters: each only grows, so the sum
    // moves whenever either does and never comes back to a value an old answer was stored under.
    private long _everyTenant;

    /// <summary>Read it before the query whose answer will be stored with it.</summary>
    public long Version(string tenantId) => Interlocked.Read(ref _everyTenant) + _versions.GetValueOrDefault(tenantId);

    /// <summary>The tenant's voice messages changed: no answer read before this call is served again.</summary>
    public void Invalidate(string tenantId) => _versions.AddOrUpdate(tenantId, 1, (_, version) => version + 1);

    /// <summary>Voice messages changed somewhere, unknown for whom: no answer read before this call is served again.</summary>
    public void InvalidateAll() => Interlocked.Increment(ref _everyTenant);

    public ListVoiceMessages.Answer? Find(ListVoiceMessages.Query query) =>
        _answers.TryGetValue(query, out ListVoiceMessages.Answer? answer) && answer!.Version == Version(query.TenantId) ? answer : null;

    public void Store(ListVoiceMessages.Query query, ListVoiceMessages.Answer answer)
    {
        if (answer.Version != Version(query.TenantId)) return;
        _answers.Set(query, answer, new MemoryCacheEntryOptions { Size = answer.Length, SlidingExpiration = Unused });
    }

    public void Dispose() => _answers.Dispose();
}

public static class VoiceMessagesServices
{
    public static IServiceCollection AddVoiceMessages(this IServiceCollection services) => services.AddSingleton<VoiceMessageListCache>();
}

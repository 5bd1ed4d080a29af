using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using App.Features.VoiceMessages;
using App.Infrastructure.Hosting;
using App.Infrastructure.Security;
using Microsoft.Extensions.Options;

namespace App.Features.Files;

/// <summary>A library file that can be played in a call.</summary>
public sealed record VoiceFileRef(long Id, string Filename, string ContentType, double? DurationSeconds);

/// <summary>
/// Signed, expiring media URLs: Twilio fetches <c>&lt;Play&gt;</c> audio anonymously, so the URL itself carries the
/// permission — <c>{PublicUrls.BaseUrl}/media/{fileId}?exp={unix seconds}&amp;sig={base64url HMAC-SHA256}</c>. The
/// HMAC key (32 random bytes, <see cref="KeyFiles"/>) lives in <c>{App:DataDirectory}/keys/media-signing.key</c>, created on first use;
/// nothing else (not the API key) is in the URL. Preview URLs for the admin UI are signed for a different use.
/// </summary>
public sealed class MediaUrls(DataDirectory dataDirectory, PublicUrls publicUrls, Db db, FileStorage storage, IOptions<FilesOptions> options)
    : IVoiceFileUrls
{
    public enum Use
    {
        Call,
        Preview,
    }

    public enum Check
    {
        Valid,
        Invalid,
        Expired,
    }

    public sealed record SignedMediaUrl(string Url, DateTimeOffset ExpiresAt);

    public const string KeyFileName = "media-signing.key";
    private readonly Lazy<byte[]> _key = new(() => KeyFiles.LoadOrCreate(dataDirectory, KeyFileName));

    /// <summary>How long URLs put in TwiML stay valid (<c>Files:MediaUrlLifetimeHours</c>, default 24 h).</summary>
    public TimeSpan CallLifetime => TimeSpan.FromHours(options.Value.MediaUrlLifetimeHours);

    /// <summary>How long admin-UI preview URLs stay valid (<c>Files:PlayUrlLifetimeMinutes</c>).</summary>
    public TimeSpan PreviewLifetime => TimeSpan.FromMinutes(options.Value.PlayUrlLifetimeMinutes);

    /// <summary>An absolute URL Twilio can fetch to play the file, valid for <paramref name="lifetime"/>.</summary>
    public string SignedUrl(long fileId, TimeSpan lifetime) => Sign(fileId, lifetime, Use.Call).Url;

    /// <summary>An absolute URL Twilio can fetch to play the file, valid for <see cref="CallLifetime"/>.</summary>
    public string SignedUrl(long fileId) => SignedUrl(fileId, CallLifetime);

    public SignedMediaUrl Sign(long fileId, TimeSpan lifetime, Use use)
    {
        var expires = DateTimeOffset.UtcNow.Add(lifetime).ToUnixTimeSeconds();
        // Long-lived URLs end on the next whole hour, so every TwiML built within that hour carries the same URL for a
        // file and Twilio's media cache (keyed by URL) is reused from call to call.
        if (lifetime >= TimeSpan.FromHours(1)) expires = (expires + 3599) / 3600 * 3600;
        var signature = Base64Url.EncodeToString(Mac(fileId, expires, use));
        var query = use == Use.Preview ? $"exp={expires}&use=preview&sig={signature}" : $"exp={expires}&sig={signature}";
        return new SignedMediaUrl(publicUrls.For(string.Create(CultureInfo.InvariantCulture, $"/media/{fileId}?{query}")),
            DateTimeOffset.FromUnixTimeSeconds(expires));
    }

    /// <summary>Checks a presented URL's signature (in constant time), then its expiry.</summary>
    public Check Verify(long fileId, string? exp, string? sig, Use use, out DateTimeOffset expiresAt)
    {
        expiresAt = default;
        if (!long.TryParse(exp, NumberStyles.None, CultureInfo.InvariantCulture, out var expires) || string.IsNullOrEmpty(sig) || sig.Length > 64)
            return Check.Invalid;

        Span<byte> presented = stackalloc byte[48];
        if (!Base64Url.TryDecodeFromChars(sig, presented, out var written) || written != 32) return Check.Invalid;
        if (!CryptographicOperations.FixedTimeEquals(presented[..written], Mac(fileId, expires, use))) return Check.Invalid;

        expiresAt = DateTimeOffset.FromUnixTimeSeconds(Math.Min(expires, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        return expiresAt <= DateTimeOffset.UtcNow ? Check.Expired : Check.Valid;
    }

    /// <summary>
    /// The tenant's file if it exists, is active and its bytes are on disk; null otherwise (also for another tenant's
    /// file). The voice-message feature calls this before putting <see cref="SignedUrl(long)"/> in a &lt;Play&gt;.
    /// </summary>
    public async Task<VoiceFileRef?> FindPlayableAsync(string tenantId, long fileId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<FileRow>(
            FileRow.FindSql + " AND is_active = 1", new { id = fileId, tenantId });
        return row is null || !File.Exists(storage.FullPath(row.FilePath))
            ? null
            : new VoiceFileRef(row.Id, row.Filename, row.ContentType, row.DurationSeconds);
    }

    /// <summary>The voice-message seam: a signed URL for the tenant's playable file, null when it cannot be played.</summary>
    public async Task<string?> PlayUrlAsync(string tenantId, long fileId, CancellationToken ct) =>
        await FindPlayableAsync(tenantId, fileId, ct) is { } file ? SignedUrl(file.Id) : null;

    private byte[] Mac(long fileId, long expires, Use use) =>
        HMACSHA256.HashData(_key.Value, Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"switchboard-media:v1:{fileId}:{expires}:{(use == Use.Preview ? "preview" : "call")}")));
}

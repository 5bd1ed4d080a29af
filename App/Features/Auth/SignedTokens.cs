using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using App.Infrastructure.Security;

namespace App.Features.Auth;

/// <summary>
/// Compact HMAC-SHA256 tokens: <c>{kind}.{base64url(json payload)}.{base64url(signature)}</c>, signed with a random key
/// kept in {App:DataDirectory}/keys/tokens.key. The kind ("sbs" session, "sbe" embed, "sbo" operator session) is part of
/// what is signed, so one kind can never be passed off as another. The payload is readable but holds nothing secret.
/// </summary>
public sealed class SignedTokens(DataDirectory dataDirectory)
{
    public const string SessionKind = "sbs";
    public const string EmbedKind = "sbe";
    public const string OperatorKind = "sbo";

    private readonly byte[] _key = KeyFiles.LoadOrCreate(dataDirectory, "tokens.key");

    /// <summary>A new random token id (128 bits, base64url).</summary>
    public static string NewId() => ApiKeys.Base64Url(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// A short value that changes when <paramref name="secret"/> does, keyed with the signing key so that it says nothing
    /// about the secret to whoever reads a token (a token names the operator key it was issued for this way).
    /// </summary>
    public string Fingerprint(string secret) =>
        ApiKeys.Base64Url(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes("fingerprint:" + secret)))[..16];

    public string Sign<T>(string kind, T payload)
    {
        var body = kind + "." + ApiKeys.Base64Url(JsonSerializer.SerializeToUtf8Bytes(payload, Json.Options));
        return body + "." + ApiKeys.Base64Url(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(body)));
    }

    /// <summary>The payload when the token is of this kind and its signature is valid; null otherwise (expiry is the caller's check).</summary>
    public T? Read<T>(string kind, string token) where T : class
    {
        if (!token.StartsWith(kind + ".", StringComparison.Ordinal) || token.Length > 4096) return null;
        var lastDot = token.LastIndexOf('.');
        if (lastDot <= kind.Length) return null;

        var body = token[..lastDot];
        var expected = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(body));
        if (!TryFromBase64Url(token[(lastDot + 1)..], out var presented) || !CryptographicOperations.FixedTimeEquals(expected, presented))
            return null;
        if (!TryFromBase64Url(body[(kind.Length + 1)..], out var json)) return null;
        try
        {
            return JsonSerializer.Deserialize<T>(json, Json.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TryFromBase64Url(string text, out byte[] bytes)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        base64 += (base64.Length % 4) switch { 2 => "==", 3 => "=", _ => "" };
        bytes = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, bytes, out var written) && (bytes = bytes[..written]).Length > 0;
    }
}

/// <summary>A signed-in user's session: tenant, user, the user's session stamp at sign-in, expiry (unix seconds).</summary>
public sealed record SessionPayload(string Jti, string Tid, long Uid, string Stm, long Iat, long Exp);

/// <summary>An embed token: tenant, the display prefix of the API key that minted it, its permissions, expiry.</summary>
public sealed record EmbedPayload(string Jti, string Tid, string Kp, IReadOnlyList<string> Perms, long Iat, long Exp);

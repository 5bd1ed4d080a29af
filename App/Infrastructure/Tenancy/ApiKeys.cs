using System.Security.Cryptography;
using System.Text;

namespace App.Infrastructure.Tenancy;

/// <summary>
/// Tenant API keys: 256 random bits behind a recognisable "sb_" prefix, shown once, stored only as a SHA-256 hash
/// plus a short non-secret display prefix (see docs/decisions.md, "Security").
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "sb_";
    private const int DisplayPrefixLength = 10;

    public static (string Key, string Hash, string DisplayPrefix) Generate()
    {
        var key = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        return (key, Hash(key), key[..DisplayPrefixLength]);
    }

    public static string Hash(string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Constant-time comparison of two secrets of any length (hashing first removes the length signal).</summary>
    public static bool SecretsEqual(string? presented, string? expected)
    {
        if (presented is null || expected is null) return false;
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }

    public static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

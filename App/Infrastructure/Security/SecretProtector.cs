using Microsoft.AspNetCore.DataProtection;

namespace App.Infrastructure.Security;

/// <summary>
/// Encrypts secrets at rest (Twilio auth tokens, API key secrets) with ASP.NET Core Data Protection; the key ring
/// lives in {App:DataDirectory}/keys (see docs/decisions.md, "Security"). Secrets are write-only in the API: callers only ever see <see cref="Mask"/>.
/// </summary>
public sealed class SecretProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Switchboard.TenantSecrets.v1");

    public string? Protect(string? secret) => string.IsNullOrEmpty(secret) ? null : _protector.Protect(secret);

    public string? Unprotect(string? cipherText) => string.IsNullOrEmpty(cipherText) ? null : _protector.Unprotect(cipherText);

    /// <summary>"••••1a2b": enough to recognise which token is stored, useless to anyone else.</summary>
    public static string? Mask(string? secret) =>
        string.IsNullOrEmpty(secret) ? null : "••••" + (secret.Length > 4 ? secret[^4..] : "");
}

using System.Data;
using Dapper;

namespace App.Features.Auth;

/// <summary>
/// For the legacy import: a legacy user's plain-text password is taken once and only its bcrypt hash is stored.
/// Legacy passwords are adopted as they are (the length policy applies to new passwords only), and adopting is
/// idempotent: a value that already is a bcrypt hash is kept, never hashed twice.
/// </summary>
public static class LegacyPasswords
{
    /// <summary>The bcrypt hash to store for a legacy password (an existing bcrypt hash is returned unchanged).</summary>
    public static string Adopt(string legacyPassword, int workFactor)
    {
        if (string.IsNullOrEmpty(legacyPassword))
            throw new ArgumentException("A legacy account without a password cannot be adopted; give it a reset instead.", nameof(legacyPassword));
        return Passwords.IsBcryptHash(legacyPassword) ? legacyPassword : BCrypt.Net.BCrypt.HashPassword(legacyPassword, workFactor);
    }

    /// <summary>
    /// Stores the hash of <paramref name="legacyPassword"/> for the tenant's user unless that user already has a bcrypt
    /// hash (adopted before, or changed since). True when it stored one.
    /// </summary>
    public static async Task<bool> AdoptAsync(IDbConnection connection, string tenantId, string username, string legacyPassword,
        int workFactor, IDbTransaction? transaction = null)
    {
        var current = await connection.QuerySingleOrDefaultAsync<string?>(
            "SELECT password_hash FROM users WHERE tenant_id = @tenantId AND username = @username",
            new { tenantId, username }, transaction);
        if (current is null || Passwords.IsBcryptHash(current)) return false;

        var hash = Adopt(legacyPassword, workFactor);
        return await connection.ExecuteAsync("""
            UPDATE users SET password_hash = @hash, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
            WHERE tenant_id = @tenantId AND username = @username AND password_hash = @current
            """, new { hash, tenantId, username, current }, transaction) == 1;
    }
}

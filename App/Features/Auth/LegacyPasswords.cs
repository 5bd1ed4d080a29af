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
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace App.Features.Auth;

/// <summary>
/// bcrypt hashing (BCrypt.Net-Next) with the configured work factor, the password policy, and a dummy hash so that
/// signing in as a user who does not exist costs the same bcrypt work as a wrong password.
/// </summary>
public sealed class Passwords(IOptions<AuthOptions> options)
{
    public const int MinLength = 10;

    /// <summary>bcrypt reads at most 72 bytes; longer passwords would silently lose their tail.</summary>
    public const int MaxBytes = 72;

    private readonly int _workFactor = Math.Clamp(options.Value.BcryptWorkFactor, 4, 31);
    private readonly Lazy<string> _dummyHash = new(() =>
        BCrypt.Net.BCrypt.HashPassword(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), Math.Clamp(options.Value.BcryptWorkFactor, 4, 31)));

    public int WorkFactor => _workFactor;

    public string Hash(string password) => BCrypt.Net.BCrypt.HashPassword(password, _workFactor);

    public bool Verify(string password, string? hash)
    {
        if (!IsBcryptHash(hash))
        {
            // Not a usable hash (a legacy row not adopted yet): spend the same time, then refuse.
            BCrypt.Net.BCrypt.Verify(password, _dummyHash.Value);
            return false;
        }

        try
        {
            return BCrypt.Net.BCrypt.Verify(password, hash);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
    }

    /// <summary>The constant-time path for an unknown tenant or user: the same bcrypt work, always false.</summary>
    public void VerifyDummy(string password) => BCrypt.Net.BCrypt.Verify(password, _dummyHash.Value);

    public bool NeedsRehash(string hash) => BCrypt.Net.BCrypt.PasswordNeedsRehash(hash, _workFactor);

    public static bool IsBcryptHash(string? value) =>
        value is { Length: 60 } && value[0] == '$' && value[1] == '2' && value[3] == '$';

    /// <summary>The policy for new passwords: at least 10 characters, at most 72 bytes, and not the username (nor containing it).</summary>
    public static string? PolicyProblem(string? password, string? username)
    {
        if (string.IsNullOrEmpty(password)) return "The password is required.";
        if (password.Length < MinLength) return $"The password must be at least {MinLength} characters.";
        if (Encoding.UTF8.GetByteCount(password) > MaxBytes) return $"The password must be at most {MaxBytes} bytes (bcrypt ignores the rest).";
        var name = username?.Trim();
        if (!string.IsNullOrEmpty(name) && password.Contains(name, StringComparison.OrdinalIgnoreCase))
            return "The password must not contain the username.";
        return null;
    }
}

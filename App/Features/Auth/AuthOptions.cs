namespace App.Features.Auth;

/// <summary>
/// <c>Auth:</c> settings. Sessions last <see cref="SessionMinutes"/>; sign-in failures are throttled per
/// (tenant, username) and per IP over a sliding <see cref="FailureWindowMinutes"/> window.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>bcrypt cost (2^n rounds); 11 is ~100-200 ms on a small VM. Tests use 4.</summary>
    public int BcryptWorkFactor { get; set; } = 11;

    public double SessionMinutes { get; set; } = 60;

    public double EmbedDefaultMinutes { get; set; } = 15;

    public double EmbedMaxMinutes { get; set; } = 12 * 60;

    public int MaxFailuresPerUser { get; set; } = 5;

    public int MaxFailuresPerIp { get; set; } = 20;

    public double FailureWindowMinutes { get; set; } = 15;
}

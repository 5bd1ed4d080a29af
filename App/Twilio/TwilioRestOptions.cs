using System.ComponentModel.DataAnnotations;

// Ours: where Twilio is (Twilio itself, the simulator, a stand-in) and how long and how often to try; the SDK has no such settings.
namespace App.Twilio;

/// <summary>Settings under the <c>Twilio</c> configuration section used by <see cref="TwilioRest"/>.</summary>
public sealed class TwilioRestOptions
{
    public const string SectionName = "Twilio";

    /// <summary><c>Twilio:ApiBaseUrl</c>: Twilio itself, the simulator or a stand-in. May carry a path prefix.</summary>
    [Required]
    public string ApiBaseUrl { get; set; } = "https://api.twilio.com";

    /// <summary><c>Twilio:MaxRetries</c>: retries after the first attempt, for the failures <see cref="TwilioRetryPolicy"/> allows.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary><c>Twilio:TimeoutSeconds</c>: limit for one attempt (fractions allowed).</summary>
    [Range(0.01, 600)]
    public double TimeoutSeconds { get; set; } = 15;

    /// <summary><c>Twilio:RetryBaseDelayMs</c>: first back-off delay; later ones grow exponentially, with jitter.</summary>
    [Range(0, 60_000)]
    public int RetryBaseDelayMs { get; set; } = 500;

    /// <summary>
    /// The whole-call limit for <see cref="HttpClient.Timeout"/>: every attempt at its own timeout plus the longest
    /// back-off between them, so it never cuts the resilience pipeline short.
    /// </summary>
    public TimeSpan OverallTimeout =>
        TimeSpan.FromSeconds(TimeoutSeconds) * (MaxRetries + 1) + TwilioRetryPolicy.MaxRetryDelay * MaxRetries + TimeSpan.FromSeconds(10);

    internal bool HasValidBaseUrl =>
        Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && string.IsNullOrEmpty(uri.Query);
}

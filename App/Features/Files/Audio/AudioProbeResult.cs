namespace App.Features.Files.Audio;

/// <summary>
/// What <see cref="AudioProbe"/> found in an uploaded file. When <see cref="IsAudio"/> is true,
/// <see cref="Format"/> ("mp3", "wav" or "aiff"), <see cref="ContentType"/> and <see cref="DurationSeconds"/>
/// are set and <see cref="Reason"/> is null; otherwise only <see cref="Reason"/> is set, a sentence that
/// can be shown to the tenant as it is.
/// </summary>
public sealed record AudioProbeResult(
    bool IsAudio,
    string? Format,
    string? ContentType,
    double? DurationSeconds,
    string? Reason)
{
    /// <summary>A playable file of the given format ("mp3", "wav", "aiff").</summary>
    public static AudioProbeResult ForAudio(string format, double durationSeconds) =>
        new(true, format, AudioProbe.ContentTypeFor(format), durationSeconds, null);

    /// <summary>A file that Twilio cannot play, with the sentence that says why.</summary>
    public static AudioProbeResult NotAudio(string reason) => new(false, null, null, null, reason);
}

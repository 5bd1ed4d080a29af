namespace App.Features.VoiceMessages;

/// <summary>
/// The seam to the tenant's audio file library: the URL Twilio fetches for <c>&lt;Play&gt;</c>. Implemented by the files
/// feature and resolved optionally (<c>GetService</c>); with no implementation, or a null answer, a template's file is
/// left out (preview says so in its warnings) and the text is spoken.
/// </summary>
public interface IVoiceFileUrls
{
    /// <summary>An absolute URL Twilio can fetch for the tenant's active file, or null when it cannot be played.</summary>
    Task<string?> PlayUrlAsync(string tenantId, long fileId, CancellationToken ct);
}

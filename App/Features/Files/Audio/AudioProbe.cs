using static App.Features.Files.Audio.ProbeBytes;

namespace App.Features.Files.Audio;

/// <summary>
/// Detects the real format of an uploaded audio file from its content (never from its name) and
/// measures its duration, reading only headers and frame headers through a small buffer.
/// Accepts what Twilio's &lt;Play&gt; can play: MPEG Layer III ("mp3"), PCM/float/mu-law/A-law WAV ("wav")
/// and uncompressed or mu-law/A-law AIFF/AIFC ("aiff").
/// </summary>
public static class AudioProbe
{
    public const string Mp3 = "mp3";
    public const string Wav = "wav";
    public const string Aiff = "aiff";

    /// <summary>The file extension, with its leading dot, for a format this probe returns; null for anything else.</summary>
    public static string? ExtensionFor(string? format) => format switch
    {
        Mp3 => ".mp3",
        Wav => ".wav",
        Aiff => ".aiff",
        _ => null,
    };

    /// <summary>The Content-Type Twilio expects for a format this probe returns; null for anything else.</summary>
    public static string? ContentTypeFor(string? format) => format switch
    {
        Mp3 => "audio/mpeg",
        Wav => "audio/wav",
        Aiff => "audio/aiff",
        _ => null,
    };

    /// <summary>Probes a file on disk.</summary>
    public static AudioProbeResult ProbeFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        return Probe(stream);
    }

    /// <summary>
    /// Probes a readable, seekable stream from its beginning, whatever its position; the position is
    /// restored afterwards. Content problems never throw: they come back as a result with a reason.
    /// </summary>
    public static AudioProbeResult Probe(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead || !stream.CanSeek)
        {
            throw new ArgumentException("The stream must be readable and seekable.", nameof(stream));
        }

        var originalPosition = stream.Position;
        try
        {
            return ProbeCore(new ProbeReader(stream));
        }
        finally
        {
            stream.Position = originalPosition;
        }
    }

    private static AudioProbeResult ProbeCore(ProbeReader r)
    {
        if (r.Length == 0)
        {
            return AudioProbeResult.NotAudio("The file is empty.");
        }

        Span<byte> head = stackalloc byte[64];
        head = head[..r.Read(0, head)];

        if (Is(head, 0, "RIFF"))
        {
            return Is(head, 8, "WAVE") ? WavProbe.Probe(r) : AudioProbeResult.NotAudio(KnownFormats.DescribeRiff(head));
        }

        if (Is(head, 0, "FORM"))
        {
            return Is(head, 8, "AIFF") || Is(head, 8, "AIFC") ? AiffProbe.Probe(r) : AudioProbeResult.NotAudio(KnownFormats.DescribeIff(head));
        }

        if (KnownFormats.DescribeSignature(head) is { } known)
        {
            return AudioProbeResult.NotAudio(known);
        }

        // One or more ID3v2 tags (title, artwork) may precede the audio.
        long audioStart = 0;
        var hadId3 = false;
        for (var i = 0; i < 8 && MpegProbe.TryGetId3v2End(r, audioStart, out var tagEnd); i++)
        {
            hadId3 = true;
            audioStart = tagEnd;
        }

        if (hadId3)
        {
            if (audioStart >= r.Length)
            {
                return AudioProbeResult.NotAudio("The file holds only an MP3 (ID3) tag: no MPEG audio frames were found.");
            }

            Span<byte> afterTag = stackalloc byte[64];
            afterTag = afterTag[..r.Read(audioStart, afterTag)];
            if (KnownFormats.DescribeSignature(afterTag) is { } taggedKnown)
            {
                return AudioProbeResult.NotAudio(taggedKnown);
            }
        }

        if (MpegProbe.IsAdtsAt(r, audioStart))
        {
            return AudioProbeResult.NotAudio(KnownFormats.Unplayable("AAC audio (ADTS)"));
        }

        if (MpegProbe.Probe(r, audioStart) is { } mpeg)
        {
            return mpeg;
        }

        if (!hadId3 && TextContent.Describe(r) is { } text)
        {
            return AudioProbeResult.NotAudio(text);
        }

        return AudioProbeResult.NotAudio(hadId3
            ? "The file has an MP3 (ID3) tag, but no MPEG audio frames were found after it."
            : "No MPEG audio frames were found; the file is not MP3 or WAV audio.");
    }
}

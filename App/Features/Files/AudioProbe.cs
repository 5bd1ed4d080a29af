using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace App.Features.Files;

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

    private const int BufferSize = 32 * 1024;
    // How far past the start (or past an ID3v2 tag) the first MPEG frame is looked for.
    private const int FirstFrameScanWindow = 256 * 1024;
    // How far a frame walk looks for the next frame after a damaged stretch.
    private const int ResyncWindow = 64 * 1024;
    // Consecutive frames (each header found where the previous frame ends) needed to call it MPEG audio.
    private const int FramesToConfirm = 3;
    private const int TextSampleSize = 4096;

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
            return ProbeCore(new Reader(stream));
        }
        finally
        {
            stream.Position = originalPosition;
        }
    }

    private static AudioProbeResult ProbeCore(Reader r)
    {
        if (r.Length == 0)
        {
            return AudioProbeResult.NotAudio("The file is empty.");
        }

        Span<byte> head = stackalloc byte[64];
        head = head[..r.Read(0, head)];

        if (Is(head, 0, "RIFF"))
        {
            return Is(head, 8, "WAVE") ? ProbeWav(r) : AudioProbeResult.NotAudio(DescribeRiff(head));
        }

        if (Is(head, 0, "FORM"))
        {
            return Is(head, 8, "AIFF") || Is(head, 8, "AIFC") ? ProbeAiff(r) : AudioProbeResult.NotAudio(DescribeIff(head));
        }

        if (DescribeSignature(head) is { } known)
        {
            return AudioProbeResult.NotAudio(known);
        }

        // One or more ID3v2 tags (title, artwork) may precede the audio.
        long audioStart = 0;
        var hadId3 = false;
        for (var i = 0; i < 8 && TryGetId3v2End(r, audioStart, out var tagEnd); i++)
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
            if (DescribeSignature(afterTag) is { } taggedKnown)
            {
                return AudioProbeResult.NotAudio(taggedKnown);
            }
        }

        if (IsAdtsAt(r, audioStart))
        {
            return AudioProbeResult.NotAudio(Unplayable("AAC audio (ADTS)"));
        }

        if (ProbeMpeg(r, audioStart) is { } mpeg)
        {
            return mpeg;
        }

        if (!hadId3 && DescribeText(r) is { } text)
        {
            return AudioProbeResult.NotAudio(text);
        }

        return AudioProbeResult.NotAudio(hadId3
            ? "The file has an MP3 (ID3) tag, but no MPEG audio frames were found after it."
            : "No MPEG audio frames were found; the file is not MP3 or WAV audio.");
    }

    // ---------------------------------------------------------------- signatures

    private static string Unplayable(string what) => $"The file is {what}, which Twilio cannot play; upload MP3 or WAV.";

    private static string NotAudio(string what) => $"The file is {what}, not audio.";

    private static ReadOnlySpan<byte> PngMagic => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static ReadOnlySpan<byte> JpegMagic => [0xFF, 0xD8, 0xFF];
    private static ReadOnlySpan<byte> OleMagic => [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    private static ReadOnlySpan<byte> GzipMagic => [0x1F, 0x8B];
    private static ReadOnlySpan<byte> SevenZipMagic => [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C];
    private static ReadOnlySpan<byte> EbmlMagic => [0x1A, 0x45, 0xDF, 0xA3];
    private static ReadOnlySpan<byte> AsfMagic => [0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11];
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];
    private static ReadOnlySpan<byte> Utf16LeBom => [0xFF, 0xFE];
    private static ReadOnlySpan<byte> Utf16BeBom => [0xFE, 0xFF];

    private static string? DescribeSignature(ReadOnlySpan<byte> h)
    {
        if (h.StartsWith(PngMagic))
        {
            return NotAudio("a PNG image");
        }

        if (h.StartsWith(JpegMagic))
        {
            return NotAudio("a JPEG image");
        }

        if (Is(h, 0, "GIF87a") || Is(h, 0, "GIF89a"))
        {
            return NotAudio("a GIF image");
        }

        if (Is(h, 0, "II*\0") || Is(h, 0, "MM\0*"))
        {
            return NotAudio("a TIFF image");
        }

        if (Is(h, 0, "%PDF-"))
        {
            return NotAudio("a PDF document");
        }

        if (Is(h, 0, "PK\x03\x04") || Is(h, 0, "PK\x05\x06") || Is(h, 0, "PK\x07\x08"))
        {
            return NotAudio("a ZIP archive (or an Office document)");
        }

        if (h.StartsWith(OleMagic))
        {
            return NotAudio("an older Microsoft Office document");
        }

        if (h.StartsWith(GzipMagic))
        {
            return NotAudio("a gzip-compressed file");
        }

        if (h.StartsWith(SevenZipMagic) || Is(h, 0, "Rar!\x1A\x07"))
        {
            return NotAudio("a compressed archive");
        }

        if (Is(h, 0, "MZ") && h.Contains((byte)0))
        {
            return NotAudio("a Windows program");
        }

        if (Is(h, 0, "\x7F" + "ELF"))
        {
            return NotAudio("a program (ELF executable)");
        }

        if (Is(h, 0, "OggS"))
        {
            return Unplayable(DescribeOgg(h));
        }

        if (Is(h, 0, "fLaC"))
        {
            return Unplayable("FLAC audio");
        }

        if (Is(h, 4, "ftyp"))
        {
            return DescribeIsoMedia(h);
        }

        if (Is(h, 0, "#!AMR"))
        {
            return Unplayable("AMR audio");
        }

        if (h.StartsWith(EbmlMagic))
        {
            return Unplayable("WebM/Matroska media");
        }

        if (h.StartsWith(AsfMagic))
        {
            return Unplayable("Windows Media (WMA/ASF) audio");
        }

        if (Is(h, 0, "MThd"))
        {
            return Unplayable("a MIDI file (musical notes, not recorded sound)");
        }

        if (Is(h, 0, "caff"))
        {
            return Unplayable("Apple Core Audio (CAF) audio");
        }

        if (Is(h, 0, ".snd"))
        {
            return Unplayable("Sun/NeXT AU audio");
        }

        if (Is(h, 0, "MAC "))
        {
            return Unplayable("Monkey's Audio (APE) audio");
        }

        if (Is(h, 0, "wvpk"))
        {
            return Unplayable("WavPack audio");
        }

        if (Is(h, 0, "RIFX"))
        {
            return Unplayable("big-endian WAV (RIFX) audio");
        }

        if (Is(h, 0, "RF64") || Is(h, 0, "BW64"))
        {
            return Unplayable("64-bit WAV (RF64) audio");
        }

        return null;
    }

    private static string DescribeOgg(ReadOnlySpan<byte> h)
    {
        // Page header is 27 bytes plus a segment table; the first packet names the codec.
        if (h.Length > 27)
        {
            var packet = 27 + h[26];
            if (Is(h, packet, "\x01vorbis"))
            {
                return "Ogg Vorbis audio";
            }

            if (Is(h, packet, "OpusHead"))
            {
                return "Ogg Opus audio";
            }

            if (Is(h, packet, "\x7F" + "FLAC"))
            {
                return "Ogg FLAC audio";
            }

            if (Is(h, packet, "Speex   "))
            {
                return "Ogg Speex audio";
            }

            if (Is(h, packet, "\x80theora"))
            {
                return "an Ogg Theora video";
            }
        }

        return "Ogg media";
    }

    private static string DescribeIsoMedia(ReadOnlySpan<byte> h)
    {
        var brand = h.Length >= 12 ? Encoding.ASCII.GetString(h.Slice(8, 4)) : string.Empty;
        if (brand.StartsWith("M4A", StringComparison.Ordinal) || brand.StartsWith("M4B", StringComparison.Ordinal)
            || brand.StartsWith("M4P", StringComparison.Ordinal))
        {
            return Unplayable("M4A (AAC) audio");
        }

        if (brand is "heic" or "heix" or "mif1" or "msf1" or "avif")
        {
            return NotAudio("a HEIC/AVIF image");
        }

        if (brand == "qt  ")
        {
            return Unplayable("a QuickTime movie");
        }

        if (brand.StartsWith("3g", StringComparison.Ordinal))
        {
            return Unplayable("3GP audio/video (as phones record it)");
        }

        return Unplayable("MP4 media (M4A/MP4 audio or video)");
    }

    private static string DescribeRiff(ReadOnlySpan<byte> h)
    {
        if (Is(h, 8, "AVI "))
        {
            return Unplayable("an AVI video");
        }

        if (Is(h, 8, "WEBP"))
        {
            return NotAudio("a WebP image");
        }

        var type = h.Length >= 12 ? Printable(h.Slice(8, 4)) : "?";
        return $"The file is a RIFF file of type '{type}', not WAV audio.";
    }

    private static string DescribeIff(ReadOnlySpan<byte> h)
    {
        var type = h.Length >= 12 ? Printable(h.Slice(8, 4)) : "?";
        return $"The file is an IFF file of type '{type}', not AIFF audio.";
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            sb.Append(b is >= 0x20 and < 0x7F ? (char)b : '?');
        }

        return sb.ToString();
    }

    private static string? DescribeText(Reader r)
    {
        Span<byte> buffer = stackalloc byte[TextSampleSize];
        var sample = (ReadOnlySpan<byte>)buffer[..r.Read(0, buffer)];
        var truncated = r.Length > sample.Length;

        string text;
        if (sample.StartsWith(Utf16LeBom))
        {
            text = Encoding.Unicode.GetString(sample[2..]);
        }
        else if (sample.StartsWith(Utf16BeBom))
        {
            text = Encoding.BigEndianUnicode.GetString(sample[2..]);
        }
        else
        {
            if (sample.StartsWith(Utf8Bom))
            {
                sample = sample[3..];
            }

            if (!IsValidUtf8(sample, truncated))
            {
                return null;
            }

            var controls = 0;
            foreach (var b in sample)
            {
                if (b == 0)
                {
                    return null;
                }

                if ((b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0C or 0x1B)) || b == 0x7F)
                {
                    controls++;
                }
            }

            if (controls * 100 > sample.Length)
            {
                return null;
            }

            text = Encoding.UTF8.GetString(sample);
        }

        var start = text.TrimStart().ToLowerInvariant();
        start = start[..Math.Min(start.Length, 1024)];
        if (start.StartsWith("<!doctype html", StringComparison.Ordinal) || start.Contains("<html", StringComparison.Ordinal))
        {
            return NotAudio("an HTML web page");
        }

        if (start.StartsWith("<svg", StringComparison.Ordinal)
            || (start.StartsWith("<?xml", StringComparison.Ordinal) && start.Contains("<svg", StringComparison.Ordinal)))
        {
            return NotAudio("an SVG image");
        }

        if (start.StartsWith("<?xml", StringComparison.Ordinal))
        {
            return NotAudio("an XML document");
        }

        return NotAudio("text");
    }

    private static bool IsValidUtf8(ReadOnlySpan<byte> sample, bool truncated)
    {
        if (System.Text.Unicode.Utf8.IsValid(sample))
        {
            return true;
        }

        // The sample may end inside a multi-byte character.
        for (var cut = 1; truncated && cut <= 3 && cut < sample.Length; cut++)
        {
            if (System.Text.Unicode.Utf8.IsValid(sample[..^cut]))
            {
                return true;
            }
        }

        return false;
    }

    // ---------------------------------------------------------------- WAV

    private static AudioProbeResult ProbeWav(Reader r)
    {
        WaveFormat? format = null;
        long dataStart = -1;
        long dataLength = 0;
        var pos = 12L;
        Span<byte> chunk = stackalloc byte[8];
        Span<byte> fmtBody = stackalloc byte[40];

        while (pos + 8 <= r.Length)
        {
            r.Read(pos, chunk);
            if (!IsChunkId(chunk[..4]))
            {
                // Some writers forget the pad byte after an odd-sized chunk.
                if (pos > 12 && pos + 7 <= r.Length && r.Read(pos - 1, chunk) == 8 && IsChunkId(chunk[..4]))
                {
                    pos--;
                }
                else
                {
                    break;
                }
            }

            var size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            var bodyStart = pos + 8;
            var available = r.Length - bodyStart;

            if (Is(chunk, 0, "fmt "))
            {
                if (size < 16 || available < 16)
                {
                    return AudioProbeResult.NotAudio("The WAV file's format chunk is too short.");
                }

                var body = fmtBody[..r.Read(bodyStart, fmtBody[..(int)Math.Min(size, 40)])];
                format = WaveFormat.Parse(body);
                if (format.Error is { } error)
                {
                    return AudioProbeResult.NotAudio(error);
                }
            }
            else if (Is(chunk, 0, "data"))
            {
                dataStart = bodyStart;
                var unbounded = size == 0xFFFFFFFF || size > available
                    || (size == 0 && available > 0 && !ChunkFollows(r, bodyStart));
                dataLength = unbounded ? available : size;
                if (format is not null || unbounded)
                {
                    break;
                }
            }

            pos = bodyStart + size + (size & 1);
        }

        if (format is null)
        {
            return AudioProbeResult.NotAudio(r.Length <= 20
                ? "The WAV file is truncated: it ends before its format chunk."
                : "The WAV file's format chunk is missing.");
        }

        if (dataStart < 0)
        {
            return AudioProbeResult.NotAudio("The WAV file's data chunk is missing.");
        }

        if (dataLength < format.BytesPerFrame)
        {
            return AudioProbeResult.NotAudio("The WAV file contains no audio samples.");
        }

        return AudioProbeResult.ForAudio(Wav, dataLength / (double)format.BytesPerSecond);
    }

    private static bool ChunkFollows(Reader r, long offset)
    {
        Span<byte> id = stackalloc byte[4];
        return r.Read(offset, id) == 4 && IsChunkId(id);
    }

    private static bool IsChunkId(ReadOnlySpan<byte> id)
    {
        foreach (var b in id)
        {
            if (b is < 0x20 or > 0x7E)
            {
                return false;
            }
        }

        return true;
    }

    private sealed record WaveFormat(long BytesPerFrame, long BytesPerSecond, string? Error)
    {
        private const ushort Pcm = 1;
        private const ushort IeeeFloat = 3;
        private const ushort ALaw = 6;
        private const ushort MuLaw = 7;
        private const ushort Extensible = 0xFFFE;

        public static WaveFormat Parse(ReadOnlySpan<byte> body)
        {
            var tag = BinaryPrimitives.ReadUInt16LittleEndian(body);
            var channels = BinaryPrimitives.ReadUInt16LittleEndian(body[2..]);
            var sampleRate = BinaryPrimitives.ReadUInt32LittleEndian(body[4..]);
            var byteRate = BinaryPrimitives.ReadUInt32LittleEndian(body[8..]);
            var blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(body[12..]);
            var bits = BinaryPrimitives.ReadUInt16LittleEndian(body[14..]);

            if (tag == Extensible)
            {
                if (body.Length < 40)
                {
                    return Fail("The WAV file's extensible format chunk is incomplete.");
                }

                // The sub-format GUID's first two bytes are the real format tag.
                tag = BinaryPrimitives.ReadUInt16LittleEndian(body[24..]);
            }

            if (tag is not (Pcm or IeeeFloat or ALaw or MuLaw))
            {
                return Fail(string.Create(
                    CultureInfo.InvariantCulture,
                    $"The WAV file holds {CodecName(tag)} audio (format 0x{tag:X4}), which Twilio cannot play; re-save it as PCM WAV or MP3."));
            }

            if (channels == 0 || sampleRate == 0)
            {
                return Fail("The WAV file's format chunk is invalid: it gives no channels or sample rate.");
            }

            var bytesPerFrame = blockAlign > 0 ? blockAlign : channels * ((bits + 7L) / 8);
            var bytesPerSecond = bytesPerFrame > 0 ? sampleRate * bytesPerFrame : byteRate;
            return bytesPerSecond > 0
                ? new WaveFormat(Math.Max(1, bytesPerFrame), bytesPerSecond, null)
                : Fail("The WAV file's format chunk is invalid: it gives no sample size or byte rate.");
        }

        private static WaveFormat Fail(string error) => new(0, 0, error);

        private static string CodecName(ushort tag) => tag switch
        {
            0x0002 => "Microsoft ADPCM",
            0x0011 => "IMA ADPCM",
            0x0031 => "GSM 6.10",
            0x0050 => "MPEG",
            0x0055 => "MP3-compressed",
            0x0161 or 0x0162 or 0x0163 => "Windows Media",
            0x00FF or 0x1610 or 0x4143 => "AAC",
            0x2000 => "AC-3",
            _ => "compressed",
        };
    }

    // ---------------------------------------------------------------- AIFF

    private static AudioProbeResult ProbeAiff(Reader r)
    {
        Span<byte> h = stackalloc byte[12];
        r.Read(0, h);
        var isAifc = Is(h, 8, "AIFC");

        long? sampleFrames = null;
        double sampleRate = 0;
        long bytesPerFrame = 0;
        long soundBytes = -1;
        var pos = 12L;
        Span<byte> chunk = stackalloc byte[8];
        Span<byte> body = stackalloc byte[22];

        while (pos + 8 <= r.Length)
        {
            r.Read(pos, chunk);
            if (!IsChunkId(chunk[..4]))
            {
                break;
            }

            var size = BinaryPrimitives.ReadUInt32BigEndian(chunk[4..]);
            var bodyStart = pos + 8;
            var available = r.Length - bodyStart;

            if (Is(chunk, 0, "COMM"))
            {
                var read = r.Read(bodyStart, body[..(int)Math.Min(size, 22)]);
                if (read < 18 || (isAifc && read < 22))
                {
                    return AudioProbeResult.NotAudio("The AIFF file's format (COMM) chunk is too short.");
                }

                var channels = BinaryPrimitives.ReadUInt16BigEndian(body);
                sampleFrames = BinaryPrimitives.ReadUInt32BigEndian(body[2..]);
                var bits = BinaryPrimitives.ReadUInt16BigEndian(body[6..]);
                sampleRate = ReadExtended(body.Slice(8, 10));
                if (isAifc)
                {
                    var compression = Encoding.ASCII.GetString(body.Slice(18, 4));
                    if (compression is not ("NONE" or "sowt" or "twos" or "raw " or "fl32" or "FL32" or "fl64" or "FL64"
                        or "ulaw" or "ULAW" or "alaw" or "ALAW"))
                    {
                        return AudioProbeResult.NotAudio(
                            $"The AIFF-C file is compressed with '{Printable(body.Slice(18, 4))}', which Twilio cannot play; re-save it as PCM WAV or MP3.");
                    }

                    if (compression is "ulaw" or "ULAW" or "alaw" or "ALAW")
                    {
                        bits = 8;
                    }
                }

                if (channels == 0 || !(sampleRate > 0) || double.IsInfinity(sampleRate))
                {
                    return AudioProbeResult.NotAudio("The AIFF file's format (COMM) chunk is invalid: it gives no channels or sample rate.");
                }

                bytesPerFrame = channels * ((bits + 7L) / 8);
            }
            else if (Is(chunk, 0, "SSND"))
            {
                // The sound data starts with an 8-byte offset/block-size header.
                soundBytes = Math.Max(0, Math.Min(size, available) - 8);
            }

            pos = bodyStart + size + (size & 1);
        }

        if (sampleFrames is null)
        {
            return AudioProbeResult.NotAudio("The AIFF file's format (COMM) chunk is missing.");
        }

        if (soundBytes < 0 && sampleFrames > 0)
        {
            return AudioProbeResult.NotAudio("The AIFF file's sound data (SSND) chunk is missing.");
        }

        var frames = sampleFrames.Value;
        if (bytesPerFrame > 0 && soundBytes >= 0)
        {
            frames = Math.Min(frames, soundBytes / bytesPerFrame);
        }

        if (frames == 0)
        {
            return AudioProbeResult.NotAudio("The AIFF file contains no audio samples.");
        }

        return AudioProbeResult.ForAudio(Aiff, frames / sampleRate);
    }

    // An IEEE 754 80-bit extended float, big-endian (AIFF's sample rate).
    private static double ReadExtended(ReadOnlySpan<byte> b)
    {
        var exponent = ((b[0] & 0x7F) << 8) | b[1];
        var mantissa = BinaryPrimitives.ReadUInt64BigEndian(b[2..]);
        if (exponent == 0 && mantissa == 0)
        {
            return 0;
        }

        var value = mantissa * Math.Pow(2, exponent - 16383 - 63);
        return (b[0] & 0x80) != 0 ? -value : value;
    }

    // ---------------------------------------------------------------- MPEG

    private static bool TryGetId3v2End(Reader r, long offset, out long end)
    {
        end = 0;
        Span<byte> h = stackalloc byte[10];
        if (r.Read(offset, h) < 10 || !Is(h, 0, "ID3") || h[3] is < 2 or > 4 || h[4] == 0xFF
            || ((h[6] | h[7] | h[8] | h[9]) & 0x80) != 0)
        {
            return false;
        }

        long size = (h[6] << 21) | (h[7] << 14) | (h[8] << 7) | h[9];
        var hasFooter = h[3] == 4 && (h[5] & 0x10) != 0;
        end = offset + 10 + size + (hasFooter ? 10 : 0);
        return true;
    }

    private static bool IsAdtsAt(Reader r, long offset)
    {
        var pos = offset;
        Span<byte> h = stackalloc byte[6];
        for (var frames = 0; frames < 2; frames++)
        {
            if (r.Read(pos, h) < 6 || h[0] != 0xFF || (h[1] & 0xF6) != 0xF0)
            {
                return false;
            }

            var length = ((h[3] & 0x03) << 11) | (h[4] << 3) | (h[5] >> 5);
            if (length < 7)
            {
                return false;
            }

            pos += length;
            if (pos == r.Length && frames > 0)
            {
                return true;
            }
        }

        return true;
    }

    private static AudioProbeResult? ProbeMpeg(Reader r, long start)
    {
        var scanEnd = Math.Min(r.Length - 4, start + FirstFrameScanWindow);
        var first = FindFrame(r, start, scanEnd, reference: null);
        if (first is not { } found)
        {
            return null;
        }

        var (offset, header) = found;

        if (header.Layer != 3)
        {
            return AudioProbeResult.NotAudio(header.Layer == 2
                ? "The file is MPEG Layer II (MP2) audio, not MP3; re-save it as MP3 or WAV."
                : "The file is MPEG Layer I (MP1) audio, not MP3; re-save it as MP3 or WAV.");
        }

        var frames = ReadVbrFrameCount(r, offset, header) ?? CountFrames(r, offset, header);
        return AudioProbeResult.ForAudio(Mp3, frames * (double)header.SamplesPerFrame / header.SampleRate);
    }

    // The first offset in [from, to] where a confirmed run of frames starts.
    private static (long Offset, MpegHeader Header)? FindFrame(Reader r, long from, long to, MpegHeader? reference)
    {
        for (var p = from; p <= to; p++)
        {
            if (r.ByteAt(p) != 0xFF || (r.ByteAt(p + 1) & 0xE0) != 0xE0)
            {
                continue;
            }

            if (TryReadHeader(r, p, out var header)
                && (reference is null || header.SameStreamAs(reference.Value))
                && IsConfirmed(r, p, header))
            {
                return (p, header);
            }
        }

        return null;
    }

    // True when the frame at p is followed by valid frames of the same stream, each starting where the
    // previous one ends; a run that ends exactly at the end of the file (or at a trailing tag) also counts.
    private static bool IsConfirmed(Reader r, long p, MpegHeader first)
    {
        var pos = p;
        var current = first;
        for (var frames = 1; frames < FramesToConfirm; frames++)
        {
            pos += current.FrameLength;
            if (pos == r.Length || IsTrailerAt(r, pos))
            {
                return frames >= 2;
            }

            if (!TryReadHeader(r, pos, out current) || !current.SameStreamAs(first))
            {
                return false;
            }
        }

        return true;
    }

    private static long CountFrames(Reader r, long start, MpegHeader first)
    {
        long frames = 0;
        var pos = start;
        while (pos + 4 <= r.Length)
        {
            if (!TryReadHeader(r, pos, out var header) || !header.SameStreamAs(first))
            {
                if (IsTrailerAt(r, pos))
                {
                    break;
                }

                // Damaged stretch or trailing garbage: carry on only if real frames follow.
                var next = FindFrame(r, pos + 1, Math.Min(r.Length - 4, pos + ResyncWindow), first);
                if (next is null)
                {
                    break;
                }

                pos = next.Value.Offset;
                continue;
            }

            if (pos + header.FrameLength > r.Length)
            {
                break; // a last frame cut short
            }

            frames++;
            pos += header.FrameLength;
        }

        return frames;
    }

    private static bool IsTrailerAt(Reader r, long pos)
    {
        Span<byte> tag = stackalloc byte[11];
        tag = tag[..r.Read(pos, tag)];
        return (Is(tag, 0, "TAG") && r.Length - pos == 128) || Is(tag, 0, "APETAGEX") || Is(tag, 0, "LYRICSBEGIN")
            || (Is(tag, 0, "ID3") && tag.Length >= 4 && tag[3] is >= 2 and <= 4);
    }

    // The audio frame count from a Xing/Info (LAME) or VBRI (Fraunhofer) header in the first frame.
    private static long? ReadVbrFrameCount(Reader r, long offset, MpegHeader h)
    {
        var sideInfo = h.Version == MpegVersion.Mpeg1 ? (h.IsMono ? 17 : 32) : (h.IsMono ? 9 : 17);
        Span<byte> tag = stackalloc byte[18];
        long? frames = null;

        for (var crc = 0; crc <= 2; crc += 2)
        {
            if (r.Read(offset + 4 + sideInfo + crc, tag[..12]) == 12 && (Is(tag, 0, "Xing") || Is(tag, 0, "Info"))
                && (BinaryPrimitives.ReadUInt32BigEndian(tag[4..]) & 1) != 0)
            {
                frames = BinaryPrimitives.ReadUInt32BigEndian(tag[8..]);
                break;
            }
        }

        if (frames is null && r.Read(offset + 4 + 32, tag) == 18 && Is(tag, 0, "VBRI"))
        {
            frames = BinaryPrimitives.ReadUInt32BigEndian(tag[14..]);
        }

        // A count that cannot fit in the file (smallest frames are 24 bytes) is not trusted.
        var fits = frames is > 0 && frames.Value <= (r.Length - offset) / 24 + 1;
        return fits ? frames : null;
    }

    private static bool TryReadHeader(Reader r, long offset, out MpegHeader header)
    {
        Span<byte> b = stackalloc byte[4];
        if (r.Read(offset, b) < 4)
        {
            header = default;
            return false;
        }

        return MpegHeader.TryParse(BinaryPrimitives.ReadUInt32BigEndian(b), out header);
    }

    private enum MpegVersion
    {
        Mpeg25 = 0,
        Mpeg2 = 2,
        Mpeg1 = 3,
    }

    private readonly record struct MpegHeader(MpegVersion Version, int Layer, int Bitrate, int SampleRate, bool Padded, bool IsMono)
    {
        private static readonly int[][] Bitrates =
        [
            [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448], // MPEG-1 Layer I
            [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],    // MPEG-1 Layer II
            [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],     // MPEG-1 Layer III
            [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],    // MPEG-2/2.5 Layer I
            [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],         // MPEG-2/2.5 Layer II and III
        ];

        private static readonly int[] SampleRates = [44100, 48000, 32000];

        public int SamplesPerFrame => Layer switch
        {
            1 => 384,
            2 => 1152,
            _ => Version == MpegVersion.Mpeg1 ? 1152 : 576,
        };

        public int FrameLength => Layer switch
        {
            1 => ((12 * Bitrate / SampleRate) + (Padded ? 1 : 0)) * 4,
            2 => (144 * Bitrate / SampleRate) + (Padded ? 1 : 0),
            _ => ((Version == MpegVersion.Mpeg1 ? 144 : 72) * Bitrate / SampleRate) + (Padded ? 1 : 0),
        };

        public bool SameStreamAs(MpegHeader other) =>
            Version == other.Version && Layer == other.Layer && SampleRate == other.SampleRate && IsMono == other.IsMono;

        public static bool TryParse(uint h, out MpegHeader header)
        {
            header = default;
            var versionBits = (int)((h >> 19) & 3);
            var layerBits = (int)((h >> 17) & 3);
            var bitrateIndex = (int)((h >> 12) & 0xF);
            var sampleRateIndex = (int)((h >> 10) & 3);
            if ((h & 0xFFE00000) != 0xFFE00000 || versionBits == 1 || layerBits == 0
                || bitrateIndex is 0 or 15 || sampleRateIndex == 3 || (h & 3) == 2)
            {
                return false;
            }

            var version = (MpegVersion)versionBits;
            var layer = 4 - layerBits;
            var table = version == MpegVersion.Mpeg1 ? layer - 1 : (layer == 1 ? 3 : 4);
            var sampleRate = SampleRates[sampleRateIndex] >> (version switch
            {
                MpegVersion.Mpeg1 => 0,
                MpegVersion.Mpeg2 => 1,
                _ => 2,
            });

            header = new MpegHeader(
                version,
                layer,
                Bitrates[table][bitrateIndex] * 1000,
                sampleRate,
                ((h >> 9) & 1) != 0,
                ((h >> 6) & 3) == 3);
            return true;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static bool Is(ReadOnlySpan<byte> data, int offset, string ascii)
    {
        if (offset < 0 || offset + ascii.Length > data.Length)
        {
            return false;
        }

        for (var i = 0; i < ascii.Length; i++)
        {
            if (data[offset + i] != ascii[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Random access to the stream through one small buffer, so walking frames costs few reads.</summary>
    private sealed class Reader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[BufferSize];
        private long _bufferStart = -1;
        private int _bufferLength;

        public long Length { get; } = stream.Length;

        /// <summary>Copies up to destination.Length bytes from offset; returns how many there were.</summary>
        public int Read(long offset, Span<byte> destination)
        {
            if (offset < 0 || offset >= Length)
            {
                return 0;
            }

            var wanted = (int)Math.Min(destination.Length, Length - offset);
            if (_bufferStart < 0 || offset < _bufferStart || offset + wanted > _bufferStart + _bufferLength)
            {
                Fill(offset);
            }

            var available = (int)Math.Min(wanted, _bufferStart + _bufferLength - offset);
            _buffer.AsSpan((int)(offset - _bufferStart), available).CopyTo(destination);
            return available;
        }

        public int ByteAt(long offset)
        {
            if (offset < 0 || offset >= Length)
            {
                return -1;
            }

            if (_bufferStart < 0 || offset < _bufferStart || offset >= _bufferStart + _bufferLength)
            {
                Fill(offset);
            }

            return offset < _bufferStart + _bufferLength ? _buffer[offset - _bufferStart] : -1;
        }

        private void Fill(long offset)
        {
            stream.Seek(offset, SeekOrigin.Begin);
            _bufferStart = offset;
            _bufferLength = stream.ReadAtLeast(_buffer, _buffer.Length, throwOnEndOfStream: false);
        }
    }
}

using System.Text;
using static App.Features.Files.Audio.ProbeBytes;

namespace App.Features.Files.Audio;

/// <summary>Recognises files by their signature bytes and says, in a sentence for the tenant, what they are.</summary>
internal static class KnownFormats
{
    internal static string Unplayable(string what) => $"The file is {what}, which Twilio cannot play; upload MP3 or WAV.";

    internal static string NotAudio(string what) => $"The file is {what}, not audio.";

    /// <summary>Bytes at an offset that name a file type for certain.</summary>
    private sealed record Signature(int Offset, byte[] Bytes, string Reason)
    {
        public Signature(int offset, string ascii, string reason) : this(offset, Encoding.Latin1.GetBytes(ascii), reason)
        {
        }

        public bool Matches(ReadOnlySpan<byte> head) =>
            head.Length >= Offset + Bytes.Length && head.Slice(Offset, Bytes.Length).SequenceEqual(Bytes);
    }

    private static readonly Signature[] NotAudioFiles =
    [
        new(0, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], NotAudio("a PNG image")),
        new(0, [0xFF, 0xD8, 0xFF], NotAudio("a JPEG image")),
        new(0, "GIF87a", NotAudio("a GIF image")),
        new(0, "GIF89a", NotAudio("a GIF image")),
        new(0, "II*\0", NotAudio("a TIFF image")),
        new(0, "MM\0*", NotAudio("a TIFF image")),
        new(0, "%PDF-", NotAudio("a PDF document")),
        new(0, "PK\x03\x04", NotAudio("a ZIP archive (or an Office document)")),
        new(0, "PK\x05\x06", NotAudio("a ZIP archive (or an Office document)")),
        new(0, "PK\x07\x08", NotAudio("a ZIP archive (or an Office document)")),
        new(0, [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], NotAudio("an older Microsoft Office document")),
        new(0, [0x1F, 0x8B], NotAudio("a gzip-compressed file")),
        new(0, [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C], NotAudio("a compressed archive")),
        new(0, "Rar!\x1A\x07", NotAudio("a compressed archive")),
        new(0, "\x7F" + "ELF", NotAudio("a program (ELF executable)")),
    ];

    private static readonly Signature[] UnplayableAudio =
    [
        new(0, "fLaC", Unplayable("FLAC audio")),
        new(0, "#!AMR", Unplayable("AMR audio")),
        new(0, [0x1A, 0x45, 0xDF, 0xA3], Unplayable("WebM/Matroska media")),
        new(0, [0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11], Unplayable("Windows Media (WMA/ASF) audio")),
        new(0, "MThd", Unplayable("a MIDI file (musical notes, not recorded sound)")),
        new(0, "caff", Unplayable("Apple Core Audio (CAF) audio")),
        new(0, ".snd", Unplayable("Sun/NeXT AU audio")),
        new(0, "MAC ", Unplayable("Monkey's Audio (APE) audio")),
        new(0, "wvpk", Unplayable("WavPack audio")),
        new(0, "RIFX", Unplayable("big-endian WAV (RIFX) audio")),
        new(0, "RF64", Unplayable("64-bit WAV (RF64) audio")),
        new(0, "BW64", Unplayable("64-bit WAV (RF64) audio")),
    ];

    /// <summary>The sentence for a file whose first bytes say what it is (and it is not audio Twilio plays); else null.</summary>
    internal static string? DescribeSignature(ReadOnlySpan<byte> h)
    {
        foreach (var signature in NotAudioFiles)
        {
            if (signature.Matches(h)) return signature.Reason;
        }

        // "MZ" alone starts plenty of text; a Windows program has binary zeros in its header.
        if (Is(h, 0, "MZ") && h.Contains((byte)0)) return NotAudio("a Windows program");
        if (Is(h, 0, "OggS")) return Unplayable(DescribeOgg(h));
        if (Is(h, 4, "ftyp")) return DescribeIsoMedia(h);

        foreach (var signature in UnplayableAudio)
        {
            if (signature.Matches(h)) return signature.Reason;
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

    internal static string DescribeRiff(ReadOnlySpan<byte> h)
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

    internal static string DescribeIff(ReadOnlySpan<byte> h)
    {
        var type = h.Length >= 12 ? Printable(h.Slice(8, 4)) : "?";
        return $"The file is an IFF file of type '{type}', not AIFF audio.";
    }

    internal static string Printable(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            sb.Append(b is >= 0x20 and < 0x7F ? (char)b : '?');
        }

        return sb.ToString();
    }
}

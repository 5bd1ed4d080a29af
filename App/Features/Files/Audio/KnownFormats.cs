using System.Text;
using static App.Features.Files.Audio.ProbeBytes;

namespace App.Features.Files.Audio;

/// <summary>Recognises files by their signature bytes and says, in a sentence for the tenant, what they are.</summary>
internal static class KnownFormats
{
    internal static string Unplayable(string what) => $"The file is {what}, which Twilio cannot play; upload MP3 or WAV.";

    internal static string NotAudio(string what) => $"The file is {what}, not audio.";

    private static ReadOnlySpan<byte> PngMagic => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static ReadOnlySpan<byte> JpegMagic => [0xFF, 0xD8, 0xFF];
    private static ReadOnlySpan<byte> OleMagic => [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    private static ReadOnlySpan<byte> GzipMagic => [0x1F, 0x8B];
    private static ReadOnlySpan<byte> SevenZipMagic => [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C];
    private static ReadOnlySpan<byte> EbmlMagic => [0x1A, 0x45, 0xDF, 0xA3];
    private static ReadOnlySpan<byte> AsfMagic => [0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11];

    internal static string? DescribeSignature(ReadOnlySpan<byte> h)
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

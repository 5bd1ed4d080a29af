using System.Text;

namespace App.Features.Files.Audio;

/// <summary>Recognises text files (plain, HTML, SVG, XML) so the reason given names what was uploaded.</summary>
internal static class TextContent
{
    private const int SampleSize = 4096;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];
    private static ReadOnlySpan<byte> Utf16LeBom => [0xFF, 0xFE];
    private static ReadOnlySpan<byte> Utf16BeBom => [0xFE, 0xFF];

    internal static string? Describe(ProbeReader r)
    {
        Span<byte> buffer = stackalloc byte[SampleSize];
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
            return KnownFormats.NotAudio("an HTML web page");
        }

        if (start.StartsWith("<svg", StringComparison.Ordinal)
            || (start.StartsWith("<?xml", StringComparison.Ordinal) && start.Contains("<svg", StringComparison.Ordinal)))
        {
            return KnownFormats.NotAudio("an SVG image");
        }

        if (start.StartsWith("<?xml", StringComparison.Ordinal))
        {
            return KnownFormats.NotAudio("an XML document");
        }

        return KnownFormats.NotAudio("text");
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
}

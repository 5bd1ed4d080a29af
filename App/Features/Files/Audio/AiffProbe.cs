using System.Buffers.Binary;
using System.Text;

namespace App.Features.Files.Audio;

/// <summary>Uncompressed or mu-law/A-law AIFF and AIFF-C: frames from the COMM chunk, bounded by the SSND data.</summary>
internal static class AiffProbe
{
    internal static AudioProbeResult Probe(ProbeReader r)
    {
        Span<byte> h = stackalloc byte[12];
        r.Read(0, h);
        var isAifc = ProbeBytes.Is(h, 8, "AIFC");

        long? sampleFrames = null;
        double sampleRate = 0;
        long bytesPerFrame = 0;
        long soundBytes = -1;
        Span<byte> body = stackalloc byte[22];

        foreach (var chunk in r.Chunks(12, bigEndian: true))
        {
            if (chunk.Id == "COMM")
            {
                var read = r.Read(chunk.BodyStart, body[..(int)Math.Min(chunk.Size, 22)]);
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
                            $"The AIFF-C file is compressed with '{KnownFormats.Printable(body.Slice(18, 4))}', which Twilio cannot play; re-save it as PCM WAV or MP3.");
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
            else if (chunk.Id == "SSND")
            {
                // The sound data starts with an 8-byte offset/block-size header.
                soundBytes = Math.Max(0, Math.Min(chunk.Size, chunk.Available) - 8);
            }
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

        return AudioProbeResult.ForAudio(AudioProbe.Aiff, frames / sampleRate);
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
}

using System.Buffers.Binary;
using System.Globalization;

namespace App.Features.Files.Audio;

/// <summary>PCM, float, mu-law and A-law WAV: the fmt chunk says how many bytes make a second.</summary>
internal static class WavProbe
{
    internal static AudioProbeResult Probe(ProbeReader r)
    {
        WaveFormat? format = null;
        long dataStart = -1;
        long dataLength = 0;
        Span<byte> fmtBody = stackalloc byte[40];

        foreach (var chunk in r.Chunks(12, bigEndian: false, toleratesMissingPad: true))
        {
            if (chunk.Id == "fmt ")
            {
                if (chunk.Size < 16 || chunk.Available < 16)
                {
                    return AudioProbeResult.NotAudio("The WAV file's format chunk is too short.");
                }

                var body = fmtBody[..r.Read(chunk.BodyStart, fmtBody[..(int)Math.Min(chunk.Size, 40)])];
                format = WaveFormat.Parse(body);
                if (format.Error is { } error)
                {
                    return AudioProbeResult.NotAudio(error);
                }
            }
            else if (chunk.Id == "data")
            {
                dataStart = chunk.BodyStart;
                var unbounded = chunk.Size == 0xFFFFFFFF || chunk.Size > chunk.Available
                    || (chunk.Size == 0 && chunk.Available > 0 && !ChunkFollows(r, chunk.BodyStart));
                dataLength = unbounded ? chunk.Available : chunk.Size;
                if (format is not null || unbounded)
                {
                    break;
                }
            }
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

        return AudioProbeResult.ForAudio(AudioProbe.Wav, dataLength / (double)format.BytesPerSecond);
    }

    private static bool ChunkFollows(ProbeReader r, long offset)
    {
        Span<byte> id = stackalloc byte[4];
        return r.Read(offset, id) == 4 && ProbeBytes.IsChunkId(id);
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
}

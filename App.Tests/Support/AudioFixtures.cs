using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace App.Tests.Support;

/// <summary>
/// Small, valid media files built byte by byte for tests: PCM WAV with a tone, MPEG Layer III streams
/// (silent frames with valid headers and exact frame lengths), AIFF, PNG, text and an Ogg Vorbis header.
/// </summary>
public static class AudioFixtures
{
    public const string Mp3Title = "Switchboard test tone";

    // ------------------------------------------------------------------ WAV

    /// <summary>A PCM RIFF/WAVE file holding a 440 Hz tone.</summary>
    public static byte[] Wav(double seconds, int sampleRate = 8000, short channels = 1, short bitsPerSample = 16) =>
        RiffWave(
            Chunk("fmt ", FmtBody(1, channels, sampleRate, bitsPerSample)),
            Chunk("data", Tone(seconds, sampleRate, channels, bitsPerSample)));

    /// <summary>A RIFF/WAVE file made of the given chunks (each already built with <see cref="Chunk(string, byte[])"/>).</summary>
    public static byte[] RiffWave(params byte[][] chunks)
    {
        var body = chunks.SelectMany(c => c).ToArray();
        var file = new byte[12 + body.Length];
        Encoding.ASCII.GetBytes("RIFF").CopyTo(file, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)(4 + body.Length));
        Encoding.ASCII.GetBytes("WAVE").CopyTo(file, 8);
        body.CopyTo(file, 12);
        return file;
    }

    /// <summary>A little-endian RIFF chunk, with the pad byte an odd-sized body needs.</summary>
    public static byte[] Chunk(string id, byte[] body) => Chunk(id, body, (uint)body.Length);

    /// <summary>A chunk whose size field says <paramref name="declaredSize"/> whatever the body's real length.</summary>
    public static byte[] Chunk(string id, byte[] body, uint declaredSize)
    {
        var chunk = new byte[8 + body.Length + (body.Length & 1)];
        Encoding.ASCII.GetBytes(id).CopyTo(chunk, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(4), declaredSize);
        body.CopyTo(chunk, 8);
        return chunk;
    }

    /// <summary>A 16-byte WAVEFORMAT body (format 1 = PCM, 3 = float, 6 = A-law, 7 = mu-law, ...).</summary>
    public static byte[] FmtBody(short formatTag, short channels, int sampleRate, short bitsPerSample)
    {
        var blockAlign = (short)(channels * ((bitsPerSample + 7) / 8));
        var body = new byte[16];
        BinaryPrimitives.WriteInt16LittleEndian(body, formatTag);
        BinaryPrimitives.WriteInt16LittleEndian(body.AsSpan(2), channels);
        BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(4), sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(8), sampleRate * blockAlign);
        BinaryPrimitives.WriteInt16LittleEndian(body.AsSpan(12), blockAlign);
        BinaryPrimitives.WriteInt16LittleEndian(body.AsSpan(14), bitsPerSample);
        return body;
    }

    /// <summary>A 40-byte WAVE_FORMAT_EXTENSIBLE body whose sub-format GUID carries <paramref name="subFormat"/>.</summary>
    public static byte[] ExtensibleFmtBody(short subFormat, short channels, int sampleRate, short bitsPerSample)
    {
        var body = new byte[40];
        FmtBody(unchecked((short)0xFFFE), channels, sampleRate, bitsPerSample).CopyTo(body, 0);
        BinaryPrimitives.WriteInt16LittleEndian(body.AsSpan(16), 22); // cbSize
        BinaryPrimitives.WriteInt16LittleEndian(body.AsSpan(18), bitsPerSample); // valid bits
        BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(20), channels == 1 ? 0x4 : 0x3); // channel mask
        BinaryPrimitives.WriteInt16LittleEndian(body.AsSpan(24), subFormat);
        byte[] guidTail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
        guidTail.CopyTo(body, 26);
        return body;
    }

    /// <summary>A LIST/INFO chunk with a title (INAM), as editors write before or after the data chunk.</summary>
    public static byte[] ListInfoChunk(string title) =>
        Chunk("LIST", Encoding.ASCII.GetBytes("INFO").Concat(Chunk("INAM", Encoding.ASCII.GetBytes(title + "\0"))).ToArray());

    /// <summary>Little-endian PCM samples of a 440 Hz tone (8-bit unsigned, 16/24/32-bit signed).</summary>
    public static byte[] Tone(double seconds, int sampleRate, short channels, short bitsPerSample)
    {
        var frames = (int)Math.Round(seconds * sampleRate);
        var bytesPerSample = (bitsPerSample + 7) / 8;
        var data = new byte[frames * channels * bytesPerSample];
        var pos = 0;
        for (var i = 0; i < frames; i++)
        {
            var value = 0.5 * Math.Sin(2 * Math.PI * 440 * i / sampleRate);
            for (var c = 0; c < channels; c++)
            {
                switch (bitsPerSample)
                {
                    case 8:
                        data[pos] = (byte)(128 + (int)(value * 127));
                        break;
                    case 16:
                        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(pos), (short)(value * short.MaxValue));
                        break;
                    case 24:
                        var v24 = (int)(value * 8_388_607);
                        data[pos] = (byte)v24;
                        data[pos + 1] = (byte)(v24 >> 8);
                        data[pos + 2] = (byte)(v24 >> 16);
                        break;
                    case 32:
                        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(pos), (int)(value * int.MaxValue));
                        break;
                    default:
                        throw new ArgumentOutOfRangeException(nameof(bitsPerSample), bitsPerSample, "Use 8, 16, 24 or 32 bits.");
                }

                pos += bytesPerSample;
            }
        }

        return data;
    }

    // ------------------------------------------------------------------ MP3

    /// <summary>
    /// A mono MPEG Layer III stream of silent frames: every header valid, every frame exactly as long as its header
    /// says (padding spread as an encoder does), optionally after an ID3v2.3 tag holding a title. The default is
    /// MPEG-1, 128 kbps, 44.1 kHz; 16/22.05/24 kHz give MPEG-2 and 8/11.025/12 kHz MPEG-2.5.
    /// With <paramref name="withInfoHeader"/> the first frame is a LAME-style "Info" frame giving the frame count.
    /// </summary>
    public static byte[] Mp3(
        double seconds,
        bool withId3 = true,
        int bitrateKbps = 128,
        int sampleRate = 44100,
        bool withInfoHeader = false,
        bool withId3v1 = false)
    {
        var spec = Mp3Spec.For(bitrateKbps, sampleRate);
        var frameCount = Mp3FrameCount(seconds, sampleRate);
        using var output = new MemoryStream();
        if (withId3)
        {
            output.Write(Id3v2(Mp3Title));
        }

        var slotsNumerator = spec.Coefficient * bitrateKbps * 1000L;
        long remainder = 0;
        var totalFrames = frameCount + (withInfoHeader ? 1 : 0);
        for (var i = 0; i < totalFrames; i++)
        {
            remainder += slotsNumerator % sampleRate;
            var padded = remainder >= sampleRate;
            if (padded)
            {
                remainder -= sampleRate;
            }

            var frame = new byte[(int)(slotsNumerator / sampleRate) + (padded ? 1 : 0)];
            frame[0] = 0xFF;
            frame[1] = (byte)(0xE0 | (spec.VersionBits << 3) | (0b01 << 1) | 1); // Layer III, no CRC
            frame[2] = (byte)((spec.BitrateIndex << 4) | (spec.SampleRateIndex << 2) | (padded ? 2 : 0));
            frame[3] = 0xC4; // mono, original, no emphasis
            // The side info (and everything after it) stays zero: no Huffman data, i.e. silence.
            if (i == 0 && withInfoHeader)
            {
                var at = 4 + spec.MonoSideInfoLength;
                Encoding.ASCII.GetBytes("Info").CopyTo(frame, at);
                BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(at + 4), 0x1); // frames field present
                BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(at + 8), (uint)frameCount);
            }

            output.Write(frame);
        }

        if (withId3v1)
        {
            var tag = new byte[128];
            Encoding.ASCII.GetBytes("TAG" + Mp3Title).CopyTo(tag, 0);
            output.Write(tag);
        }

        return output.ToArray();
    }

    /// <summary>How many audio frames <see cref="Mp3"/> writes for a duration.</summary>
    public static int Mp3FrameCount(double seconds, int sampleRate = 44100) =>
        Math.Max(1, (int)Math.Round(seconds * sampleRate / Mp3Spec.SamplesPerFrame(sampleRate)));

    /// <summary>The exact duration of what <see cref="Mp3"/> writes for a duration.</summary>
    public static double Mp3Duration(double seconds, int sampleRate = 44100) =>
        Mp3FrameCount(seconds, sampleRate) * (double)Mp3Spec.SamplesPerFrame(sampleRate) / sampleRate;

    /// <summary>An ID3v2.3 tag with a TIT2 (title) frame and zero padding (large enough to need syncsafe size bytes).</summary>
    public static byte[] Id3v2(string title, int padding = 256)
    {
        var text = Encoding.Latin1.GetBytes(title);
        var frame = new byte[10 + 1 + text.Length];
        Encoding.ASCII.GetBytes("TIT2").CopyTo(frame, 0);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), 1 + text.Length);
        frame[10] = 0; // ISO-8859-1
        text.CopyTo(frame, 11);

        var size = frame.Length + padding;
        var tag = new byte[10 + size];
        Encoding.ASCII.GetBytes("ID3").CopyTo(tag, 0);
        tag[3] = 3;
        tag[6] = (byte)((size >> 21) & 0x7F);
        tag[7] = (byte)((size >> 14) & 0x7F);
        tag[8] = (byte)((size >> 7) & 0x7F);
        tag[9] = (byte)(size & 0x7F);
        frame.CopyTo(tag, 10);
        return tag;
    }

    private sealed record Mp3Spec(int VersionBits, int BitrateIndex, int SampleRateIndex, int Coefficient, int MonoSideInfoLength)
    {
        private static readonly int[] Mpeg1Bitrates = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
        private static readonly int[] Mpeg2Bitrates = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

        public static int SamplesPerFrame(int sampleRate) => sampleRate >= 32000 ? 1152 : 576;

        public static Mp3Spec For(int bitrateKbps, int sampleRate)
        {
            var (versionBits, rateIndex) = sampleRate switch
            {
                44100 => (3, 0), 48000 => (3, 1), 32000 => (3, 2),
                22050 => (2, 0), 24000 => (2, 1), 16000 => (2, 2),
                11025 => (0, 0), 12000 => (0, 1), 8000 => (0, 2),
                _ => throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "Not an MPEG audio sample rate."),
            };
            var mpeg1 = versionBits == 3;
            var bitrateIndex = Array.IndexOf(mpeg1 ? Mpeg1Bitrates : Mpeg2Bitrates, bitrateKbps);
            if (bitrateIndex <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(bitrateKbps), bitrateKbps, "Not a Layer III bitrate for this sample rate.");
            }

            return new Mp3Spec(versionBits, bitrateIndex, rateIndex, mpeg1 ? 144 : 72, mpeg1 ? 17 : 9);
        }
    }

    // ------------------------------------------------------------------ AIFF

    /// <summary>A big-endian PCM AIFF file holding a 440 Hz tone.</summary>
    public static byte[] Aiff(double seconds, int sampleRate = 8000, short channels = 1, short bitsPerSample = 16)
    {
        var frames = (int)Math.Round(seconds * sampleRate);
        var bytesPerSample = (bitsPerSample + 7) / 8;
        var samples = Tone(seconds, sampleRate, channels, bitsPerSample);
        // AIFF samples are signed big-endian: flip byte order (and make 8-bit signed).
        for (var i = 0; i < samples.Length; i += bytesPerSample)
        {
            if (bytesPerSample == 1)
            {
                samples[i] = (byte)(samples[i] - 128);
            }
            else
            {
                Array.Reverse(samples, i, bytesPerSample);
            }
        }

        var comm = new byte[18];
        BinaryPrimitives.WriteInt16BigEndian(comm, channels);
        BinaryPrimitives.WriteInt32BigEndian(comm.AsSpan(2), frames);
        BinaryPrimitives.WriteInt16BigEndian(comm.AsSpan(6), bitsPerSample);
        WriteExtended(comm.AsSpan(8), sampleRate);

        var ssnd = new byte[8 + samples.Length]; // offset 0, block size 0, then samples
        samples.CopyTo(ssnd, 8);

        using var output = new MemoryStream();
        var chunks = BigEndianChunk("COMM", comm).Concat(BigEndianChunk("SSND", ssnd)).ToArray();
        output.Write(Encoding.ASCII.GetBytes("FORM"));
        output.Write(BigEndian(4 + chunks.Length));
        output.Write(Encoding.ASCII.GetBytes("AIFF"));
        output.Write(chunks);
        return output.ToArray();
    }

    private static byte[] BigEndianChunk(string id, byte[] body)
    {
        var chunk = new byte[8 + body.Length + (body.Length & 1)];
        Encoding.ASCII.GetBytes(id).CopyTo(chunk, 0);
        BinaryPrimitives.WriteInt32BigEndian(chunk.AsSpan(4), body.Length);
        body.CopyTo(chunk, 8);
        return chunk;
    }

    private static byte[] BigEndian(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    // An 80-bit IEEE extended float for a positive whole number.
    private static void WriteExtended(Span<byte> destination, int value)
    {
        var exponent = 31 - int.LeadingZeroCount(value);
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(16383 + exponent));
        BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)value << (63 - exponent));
    }

    // ------------------------------------------------------------------ not audio

    /// <summary>A valid 1x1 RGB PNG image (signature, IHDR, zlib IDAT, IEND, all with correct CRCs).</summary>
    public static byte[] Png()
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, 1);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), 1);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB

        byte[] scanline = [0, 0x2A, 0x7F, 0xD4]; // filter type 0, one pixel
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(scanline);
        }

        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        WritePngChunk(output, "IHDR", ihdr);
        WritePngChunk(output, "IDAT", compressed.ToArray());
        WritePngChunk(output, "IEND", []);
        return output.ToArray();
    }

    private static void WritePngChunk(Stream output, string type, byte[] data)
    {
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        output.Write(BigEndian(data.Length));
        output.Write(typeAndData);
        output.Write(BigEndian((int)Crc32(typeAndData)));
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>A UTF-8 text file (with an accented letter), as if someone renamed a script to .mp3.</summary>
    public static byte[] Text() => Encoding.UTF8.GetBytes(
        "Thank you for calling Switchboard.\r\n"
        + "Our office hours are Monday to Friday, 9am to 5pm (après-midi: closed on holidays).\r\n"
        + "Please leave a message after the tone.\r\n");

    /// <summary>The first page of an Ogg Vorbis file: a valid Ogg page (with its CRC) holding the Vorbis identification header.</summary>
    public static byte[] OggVorbis()
    {
        var packet = new byte[30];
        packet[0] = 1;
        Encoding.ASCII.GetBytes("vorbis").CopyTo(packet, 1);
        // version 0 (bytes 7-10), then channels, sample rate, bitrates, block sizes, framing bit.
        packet[11] = 1;
        BinaryPrimitives.WriteInt32LittleEndian(packet.AsSpan(12), 8000);
        BinaryPrimitives.WriteInt32LittleEndian(packet.AsSpan(20), 32000); // nominal bitrate
        packet[28] = 0xB8; // block sizes 256 and 2048
        packet[29] = 1;

        var page = new byte[27 + 1 + packet.Length];
        Encoding.ASCII.GetBytes("OggS").CopyTo(page, 0);
        page[5] = 0x02; // beginning of stream
        BinaryPrimitives.WriteInt32LittleEndian(page.AsSpan(14), 0x5357_4244); // serial number
        page[26] = 1; // one segment
        page[27] = (byte)packet.Length;
        packet.CopyTo(page, 28);
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(22), OggCrc(page));
        return page;
    }

    private static uint OggCrc(ReadOnlySpan<byte> data)
    {
        uint crc = 0;
        foreach (var b in data)
        {
            crc ^= (uint)b << 24;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ 0x04C11DB7u : crc << 1;
            }
        }

        return crc;
    }
}

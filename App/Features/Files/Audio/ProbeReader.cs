using System.Buffers.Binary;
using System.Text;

namespace App.Features.Files.Audio;

/// <summary>Byte-level checks shared by the format probes.</summary>
internal static class ProbeBytes
{
    internal static bool Is(ReadOnlySpan<byte> data, int offset, string ascii)
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

    internal static bool IsChunkId(ReadOnlySpan<byte> id)
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
}

/// <summary>One chunk of a RIFF (WAV) or IFF (AIFF) file: its four-character id, its declared size, where its body starts and how many bytes follow that.</summary>
internal readonly record struct Chunk(string Id, uint Size, long BodyStart, long Available);

/// <summary>Random access to the stream through one small buffer, so walking frames costs few reads.</summary>
internal sealed class ProbeReader(Stream stream)
{
    private const int BufferSize = 32 * 1024;

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

    /// <summary>
    /// The chunks from <paramref name="start"/> on (each padded to an even size), while a whole header fits and its id is
    /// printable. With <paramref name="toleratesMissingPad"/>, a header one byte early is taken too: some WAV writers
    /// forget the pad byte after an odd-sized chunk.
    /// </summary>
    public IEnumerable<Chunk> Chunks(long start, bool bigEndian, bool toleratesMissingPad = false)
    {
        var header = new byte[8];
        var pos = start;
        while (pos + 8 <= Length)
        {
            Read(pos, header);
            if (!ProbeBytes.IsChunkId(header.AsSpan(0, 4)))
            {
                if (toleratesMissingPad && pos > start && pos + 7 <= Length && Read(pos - 1, header) == 8 && ProbeBytes.IsChunkId(header.AsSpan(0, 4)))
                {
                    pos--;
                }
                else
                {
                    yield break;
                }
            }

            var size = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4)) : BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
            var bodyStart = pos + 8;
            yield return new Chunk(Encoding.ASCII.GetString(header, 0, 4), size, bodyStart, Length - bodyStart);
            pos = bodyStart + size + (size & 1);
        }
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

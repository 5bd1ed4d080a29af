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

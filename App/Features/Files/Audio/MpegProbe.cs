using System.Buffers.Binary;
using static App.Features.Files.Audio.ProbeBytes;

namespace App.Features.Files.Audio;

/// <summary>MPEG audio (MP3, and MP1/MP2 named as such): frames found, confirmed and counted, or read from a VBR header.</summary>
internal static class MpegProbe
{
    // How far past the start (or past an ID3v2 tag) the first MPEG frame is looked for.
    private const int FirstFrameScanWindow = 256 * 1024;
    // How far a frame walk looks for the next frame after a damaged stretch.
    private const int ResyncWindow = 64 * 1024;
    // Consecutive frames (each header found where the previous frame ends) needed to call it MPEG audio.
    private const int FramesToConfirm = 3;

    internal static bool TryGetId3v2End(ProbeReader r, long offset, out long end)
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

    internal static bool IsAdtsAt(ProbeReader r, long offset)
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

    internal static AudioProbeResult? Probe(ProbeReader r, long start)
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
        return AudioProbeResult.ForAudio(AudioProbe.Mp3, frames * (double)header.SamplesPerFrame / header.SampleRate);
    }

    // The first offset in [from, to] where a confirmed run of frames starts.
    private static (long Offset, MpegHeader Header)? FindFrame(ProbeReader r, long from, long to, MpegHeader? reference)
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
    private static bool IsConfirmed(ProbeReader r, long p, MpegHeader first)
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

    private static long CountFrames(ProbeReader r, long start, MpegHeader first)
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

    private static bool IsTrailerAt(ProbeReader r, long pos)
    {
        Span<byte> tag = stackalloc byte[11];
        tag = tag[..r.Read(pos, tag)];
        return (Is(tag, 0, "TAG") && r.Length - pos == 128) || Is(tag, 0, "APETAGEX") || Is(tag, 0, "LYRICSBEGIN")
            || (Is(tag, 0, "ID3") && tag.Length >= 4 && tag[3] is >= 2 and <= 4);
    }

    // The audio frame count from a Xing/Info (LAME) or VBRI (Fraunhofer) header in the first frame.
    private static long? ReadVbrFrameCount(ProbeReader r, long offset, MpegHeader h)
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

    private static bool TryReadHeader(ProbeReader r, long offset, out MpegHeader header)
    {
        Span<byte> b = stackalloc byte[4];
        if (r.Read(offset, b) < 4)
        {
            header = default;
            return false;
        }

        return MpegHeader.TryParse(BinaryPrimitives.ReadUInt32BigEndian(b), out header);
    }
}

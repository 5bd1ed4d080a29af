namespace App.Features.Files.Audio;

internal enum MpegVersion
{
    Mpeg25 = 0,
    Mpeg2 = 2,
    Mpeg1 = 3,
}

internal readonly record struct MpegHeader(MpegVersion Version, int Layer, int Bitrate, int SampleRate, bool Padded, bool IsMono)
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

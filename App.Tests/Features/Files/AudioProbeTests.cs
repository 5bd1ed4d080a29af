using System.Buffers.Binary;
using System.Text;
using App.Features.Files.Audio;
using App.Tests.Support;

namespace App.Tests.Features.Files;

public class AudioProbeTests
{
    private static AudioProbeResult Probe(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return AudioProbe.Probe(stream);
    }

    private static void ShouldBeAudio(AudioProbeResult result, string format, string contentType, double expectedSeconds)
    {
        result.Reason.ShouldBeNull();
        result.IsAudio.ShouldBeTrue();
        result.Format.ShouldBe(format);
        result.ContentType.ShouldBe(contentType);
        result.DurationSeconds.ShouldNotBeNull();
        result.DurationSeconds.Value.ShouldBe(expectedSeconds, expectedSeconds * 0.05);
    }

    private static void ShouldBeRejected(AudioProbeResult result, string reasonFragment)
    {
        result.IsAudio.ShouldBeFalse();
        result.Format.ShouldBeNull();
        result.ContentType.ShouldBeNull();
        result.DurationSeconds.ShouldBeNull();
        result.Reason.ShouldNotBeNull();
        result.Reason.ShouldContain(reasonFragment);
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    // ------------------------------------------------------------------ WAV

    [Theory]
    [InlineData(1.5, 8000, 1, 16)]
    [InlineData(2.0, 44100, 2, 16)]
    [InlineData(0.75, 16000, 1, 8)]
    [InlineData(1.0, 22050, 2, 24)]
    [InlineData(0.5, 48000, 1, 32)]
    public void Pcm_wav_is_detected_with_its_duration(double seconds, int sampleRate, short channels, short bits)
    {
        var result = Probe(AudioFixtures.Wav(seconds, sampleRate, channels, bits));

        ShouldBeAudio(result, "wav", "audio/wav", seconds);
    }

    [Fact]
    public void Wav_with_a_list_chunk_and_an_odd_sized_chunk_before_data_is_detected()
    {
        var wav = AudioFixtures.RiffWave(
            AudioFixtures.Chunk("fmt ", AudioFixtures.FmtBody(1, 1, 8000, 16)),
            AudioFixtures.ListInfoChunk("Welcome message"),
            AudioFixtures.Chunk("JUNK", [1, 2, 3]), // odd size: followed by a pad byte
            AudioFixtures.Chunk("data", AudioFixtures.Tone(2.5, 8000, 1, 16)));

        ShouldBeAudio(Probe(wav), "wav", "audio/wav", 2.5);
    }

    [Fact]
    public void Wav_with_the_format_chunk_after_the_data_chunk_is_detected()
    {
        var wav = AudioFixtures.RiffWave(
            AudioFixtures.Chunk("data", AudioFixtures.Tone(1.2, 8000, 1, 16)),
            AudioFixtures.Chunk("fmt ", AudioFixtures.FmtBody(1, 1, 8000, 16)));

        ShouldBeAudio(Probe(wav), "wav", "audio/wav", 1.2);
    }

    [Fact]
    public void Wav_whose_writer_left_out_a_pad_byte_is_still_detected()
    {
        var junk = AudioFixtures.Chunk("JUNK", [1, 2, 3]);
        var wav = AudioFixtures.RiffWave(
            AudioFixtures.Chunk("fmt ", AudioFixtures.FmtBody(1, 1, 8000, 16)),
            junk[..^1],
            AudioFixtures.Chunk("data", AudioFixtures.Tone(1.0, 8000, 1, 16)));

        ShouldBeAudio(Probe(wav), "wav", "audio/wav", 1.0);
    }

    [Theory]
    [InlineData(3, 32)] // IEEE float
    [InlineData(6, 8)] // A-law
    [InlineData(7, 8)] // mu-law
    public void Float_and_companded_wav_are_accepted(short formatTag, short bits)
    {
        var bytesPerSecond = 8000 * (bits / 8);
        var wav = AudioFixtures.RiffWave(
            AudioFixtures.Chunk("fmt ", AudioFixtures.FmtBody(formatTag, 1, 8000, bits)),
            AudioFixtures.Chunk("data", new byte[bytesPerSecond * 2]));

        ShouldBeAudio(Probe(wav), "wav", "audio/wav", 2.0);
    }

    [Fact]
    public void Extensible_pcm_wav_is_accepted()
    {
        var wav = AudioFixtures.RiffWave(
            AudioFixtures.Chunk("fmt ", AudioFixtures.ExtensibleFmtBody(1, 2, 44100, 16)),
            AudioFixtures.Chunk("data", AudioFixtures.Tone(1.0, 44100, 2, 16)));

        ShouldBeAudio(Probe(wav), "wav", "audio/wav", 1.0);
    }

    [Fact]
    public void Adpcm_wav_is_rejected_with_the_codec_named()
    {
        var wav = AudioFixtures.RiffWave(
            AudioFixtures.Chunk("fmt ", AudioFixtures.FmtBody(0x11, 1, 8000, 4)),
            AudioFixtures.Chunk("data", new byte[4000]));

        ShouldBeRejected(Probe(wav), "IMA ADPCM");
        Probe(wav).Reason.ShouldBe("The WAV file holds IMA ADPCM audio (format 0x0011), which Twilio cannot play; re-save it as PCM WAV or MP3.");
    }

    [Fact]
    public void Extensible_wav_with_a_compressed_sub_format_is_rejected()
    {
        var wav = AudioFixtures.RiffWave(
            AudioFixtures.Chunk("fmt ", AudioFixtures.ExtensibleFmtBody(0x55, 1, 8000, 16)),
            AudioFixtures.Chunk("data", new byte[4000]));

        ShouldBeRejected(Probe(wav), "MP3-compressed");
    }

    [Fact]
    public void Wav_without_a_format_chunk_is_rejected()
    {
        var wav = AudioFixtures.RiffWave(AudioFixtures.Chunk("data", AudioFixtures.Tone(1, 8000, 1, 16)));

        Probe(wav).Reason.ShouldBe("The WAV file's format chunk is missing.");
        Probe(wav).IsAudio.ShouldBeFalse();
    }

    [Fact]
    public void Wav_without_a_data_chunk_is_rejected()
    {
        var wav = AudioFixtures.RiffWave(
            AudioFixtures.Chunk("fmt ", AudioFixtures.FmtBody(1, 1, 8000, 16)),
            AudioFixtures.ListInfoChunk("no audio here"));

        ShouldBeRejected(Probe(wav), "The WAV file's data chunk is missing.");
    }

    [Fact]
    public void Wav_with_an_empty_data_chunk_is_rejected()
    {
        var wav = AudioFixtures.RiffWave(
            AudioFixtures.Chunk("fmt ", AudioFixtures.FmtBody(1, 1, 8000, 16)),
            AudioFixtures.Chunk("data", []));

        ShouldBeRejected(Probe(wav), "no audio samples");
    }

    [Fact]
    public void Wav_with_a_data_size_of_0xFFFFFFFF_uses_the_rest_of_the_file()
    {
        var wav = AudioFixtures.RiffWave(
            AudioFixtures.Chunk("fmt ", AudioFixtures.FmtBody(1, 1, 8000, 16)),
            AudioFixtures.Chunk("data", AudioFixtures.Tone(3, 8000, 1, 16), declaredSize: 0xFFFFFFFF));

        ShouldBeAudio(Probe(wav), "wav", "audio/wav", 3.0);
    }

    [Fact]
    public void Wav_cut_short_inside_its_data_is_measured_by_what_is_there()
    {
        var full = AudioFixtures.Wav(4, 8000, 1, 16); // 44-byte header, 16000 bytes a second
        var cut = full[..(44 + 16000)];

        ShouldBeAudio(Probe(cut), "wav", "audio/wav", 1.0);
    }

    [Fact]
    public void Wav_cut_short_inside_its_header_is_rejected()
    {
        var full = AudioFixtures.Wav(1);

        ShouldBeRejected(Probe(full[..16]), "truncated");
        ShouldBeRejected(Probe(full[..30]), "format chunk is too short");
    }

    [Fact]
    public void Riff_that_is_not_wave_is_rejected()
    {
        var avi = Concat(Encoding.ASCII.GetBytes("RIFF"), new byte[4], Encoding.ASCII.GetBytes("AVI LIST"), new byte[64]);

        ShouldBeRejected(Probe(avi), "an AVI video");
    }

    // ------------------------------------------------------------------ MP3

    [Theory]
    [InlineData(2.0, true)]
    [InlineData(2.0, false)]
    [InlineData(0.5, true)]
    [InlineData(7.3, false)]
    public void Mp3_is_detected_with_its_duration_with_or_without_an_id3_tag(double seconds, bool withId3)
    {
        var mp3 = AudioFixtures.Mp3(seconds, withId3);

        ShouldBeAudio(Probe(mp3), "mp3", "audio/mpeg", seconds);
    }

    [Fact]
    public void Mp3_fixture_has_an_id3_tag_with_a_title_and_valid_frames()
    {
        var mp3 = AudioFixtures.Mp3(1);

        Encoding.ASCII.GetString(mp3, 0, 3).ShouldBe("ID3");
        Encoding.Latin1.GetString(mp3).ShouldContain(AudioFixtures.Mp3Title);
        var frameStart = 10 + ((mp3[6] << 21) | (mp3[7] << 14) | (mp3[8] << 7) | mp3[9]);
        mp3[frameStart].ShouldBe((byte)0xFF);
        mp3[frameStart + 1].ShouldBe((byte)0xFB);
        // 128 kbps at 44.1 kHz: 417 or 418 bytes a frame, so the file size is fixed by the frame count.
        var frames = AudioFixtures.Mp3FrameCount(1);
        (mp3.Length - frameStart).ShouldBeInRange(frames * 417, frames * 418);
    }

    [Theory]
    [InlineData(48000, 128)] // MPEG-1, no padding needed
    [InlineData(32000, 64)]
    [InlineData(22050, 32)] // MPEG-2
    [InlineData(16000, 16)]
    [InlineData(8000, 8)] // MPEG-2.5
    [InlineData(11025, 16)]
    public void Mp3_at_mpeg2_and_mpeg25_rates_is_detected(int sampleRate, int bitrateKbps)
    {
        var mp3 = AudioFixtures.Mp3(3, withId3: false, bitrateKbps, sampleRate);

        ShouldBeAudio(Probe(mp3), "mp3", "audio/mpeg", AudioFixtures.Mp3Duration(3, sampleRate));
    }

    [Fact]
    public void Mp3_with_an_info_header_takes_its_frame_count_from_it()
    {
        var mp3 = AudioFixtures.Mp3(2, withId3: true, withInfoHeader: true);
        ShouldBeAudio(Probe(mp3), "mp3", "audio/mpeg", AudioFixtures.Mp3Duration(2));

        // Prove the header is read: make it claim twice as many frames as the file holds.
        var at = IndexOf(mp3, "Info") + 8;
        BinaryPrimitives.WriteUInt32BigEndian(mp3.AsSpan(at), (uint)(AudioFixtures.Mp3FrameCount(2) * 2));
        ShouldBeAudio(Probe(mp3), "mp3", "audio/mpeg", AudioFixtures.Mp3Duration(2) * 2);
    }

    [Fact]
    public void Mp3_with_a_vbri_header_takes_its_frame_count_from_it()
    {
        var mp3 = AudioFixtures.Mp3(1, withId3: false);
        Encoding.ASCII.GetBytes("VBRI").CopyTo(mp3, 36);
        BinaryPrimitives.WriteUInt32BigEndian(mp3.AsSpan(36 + 14), 100);

        ShouldBeAudio(Probe(mp3), "mp3", "audio/mpeg", 100 * 1152 / 44100.0);
    }

    [Fact]
    public void Mp3_with_an_id3v1_trailer_is_measured_without_it()
    {
        var mp3 = AudioFixtures.Mp3(2.4, withId3: true, withId3v1: true);

        Encoding.ASCII.GetString(mp3, mp3.Length - 128, 3).ShouldBe("TAG");
        ShouldBeAudio(Probe(mp3), "mp3", "audio/mpeg", AudioFixtures.Mp3Duration(2.4));
    }

    [Fact]
    public void Mp3_with_trailing_garbage_is_still_detected()
    {
        var garbage = new byte[5000];
        new Random(7).NextBytes(garbage);
        var mp3 = Concat(AudioFixtures.Mp3(3, withId3: false), garbage);

        ShouldBeAudio(Probe(mp3), "mp3", "audio/mpeg", AudioFixtures.Mp3Duration(3));
    }

    [Fact]
    public void Mp3_with_a_damaged_stretch_in_the_middle_is_measured_across_it()
    {
        var mp3 = AudioFixtures.Mp3(4, withId3: false);
        var damaged = Concat(mp3[..41_800], new byte[300], mp3[41_800..]);

        ShouldBeAudio(Probe(damaged), "mp3", "audio/mpeg", AudioFixtures.Mp3Duration(4));
    }

    [Fact]
    public void Mpeg_layer_ii_is_not_taken_for_mp3()
    {
        var mp3 = AudioFixtures.Mp3(1, withId3: false);
        // MPEG-1 Layer II at 128 kbps has the same frame lengths: change the layer bits and the bitrate index (9 -> 8).
        var patched = 0;
        for (var i = 0; i + 2 < mp3.Length; i++)
        {
            if (mp3[i] == 0xFF && mp3[i + 1] == 0xFB)
            {
                mp3[i + 1] = 0xFD;
                mp3[i + 2] = (byte)(mp3[i + 2] - 0x10);
                patched++;
            }
        }

        patched.ShouldBe(AudioFixtures.Mp3FrameCount(1));

        ShouldBeRejected(Probe(mp3), "MP2");
    }

    [Fact]
    public void Truncated_mp3_is_rejected()
    {
        var noTag = AudioFixtures.Mp3(1, withId3: false);
        ShouldBeRejected(Probe(noTag[..100]), "No MPEG audio frames were found");

        var tagged = AudioFixtures.Mp3(1);
        var tagLength = AudioFixtures.Id3v2(AudioFixtures.Mp3Title).Length;
        ShouldBeRejected(Probe(tagged[..(tagLength + 500)]), "no MPEG audio frames were found");
    }

    [Fact]
    public void Id3_tag_with_nothing_after_it_is_rejected()
    {
        ShouldBeRejected(Probe(AudioFixtures.Id3v2("Only a tag")), "no MPEG audio frames were found");
    }

    [Fact]
    public void Random_bytes_are_rejected()
    {
        var noise = new byte[64 * 1024];
        new Random(1234).NextBytes(noise);
        noise[0] = 0x42;

        ShouldBeRejected(Probe(noise), "No MPEG audio frames were found");
    }

    [Fact]
    public void Random_bytes_with_a_stray_frame_sync_are_rejected()
    {
        var noise = new byte[64 * 1024];
        new Random(99).NextBytes(noise);
        noise[0] = 0x42;
        // A perfectly valid MPEG-1 Layer III header (128 kbps, 44.1 kHz) in the middle of noise...
        byte[] header = [0xFF, 0xFB, 0x90, 0xC4];
        header.CopyTo(noise, 1000);
        ShouldBeRejected(Probe(noise), "No MPEG audio frames were found");

        // ...and even a second one where the first frame ends, but nothing valid after that.
        header.CopyTo(noise, 1000 + 417);
        noise[1000 + 834] = 0x00;
        ShouldBeRejected(Probe(noise), "No MPEG audio frames were found");
    }

    [Fact]
    public void Aac_adts_is_rejected_as_unplayable()
    {
        var frame = new byte[20];
        byte[] header = [0xFF, 0xF1, 0x50, 0x40, 20 >> 3, ((20 & 7) << 5) | 0x1F, 0xFC];
        header.CopyTo(frame, 0);
        var aac = Concat(frame, frame, frame, frame);

        ShouldBeRejected(Probe(aac), "AAC audio (ADTS), which Twilio cannot play");
    }

    // ------------------------------------------------------------------ AIFF

    [Theory]
    [InlineData(1.5, 8000, 1, 16)]
    [InlineData(1.0, 44100, 2, 16)]
    [InlineData(0.8, 22050, 1, 8)]
    public void Aiff_is_detected_with_its_duration(double seconds, int sampleRate, short channels, short bits)
    {
        ShouldBeAudio(Probe(AudioFixtures.Aiff(seconds, sampleRate, channels, bits)), "aiff", "audio/aiff", seconds);
    }

    // ------------------------------------------------------------------ not audio

    [Fact]
    public void Empty_file_is_rejected()
    {
        ShouldBeRejected(Probe([]), "The file is empty.");
    }

    [Fact]
    public void Png_renamed_to_mp3_is_rejected()
    {
        var png = AudioFixtures.Png();

        Probe(png).Reason.ShouldBe("The file is a PNG image, not audio.");
        ShouldBeRejected(Probe(png), "PNG image");
    }

    [Fact]
    public void Text_renamed_to_mp3_is_rejected()
    {
        Probe(AudioFixtures.Text()).Reason.ShouldBe("The file is text, not audio.");
        ShouldBeRejected(Probe(AudioFixtures.Text()), "text");
    }

    [Fact]
    public void Utf16_text_is_rejected_as_text()
    {
        var utf16 = Concat([0xFF, 0xFE], Encoding.Unicode.GetBytes("Hello, this is a script.\r\n"));

        Probe(utf16).Reason.ShouldBe("The file is text, not audio.");
    }

    [Fact]
    public void Html_page_is_rejected()
    {
        var html = Encoding.UTF8.GetBytes("\n<!DOCTYPE html>\n<html><head><title>Download</title></head><body>Not found</body></html>\n");

        Probe(html).Reason.ShouldBe("The file is an HTML web page, not audio.");
    }

    [Fact]
    public void Ogg_vorbis_is_rejected_as_audio_twilio_cannot_play()
    {
        Probe(AudioFixtures.OggVorbis()).Reason
            .ShouldBe("The file is Ogg Vorbis audio, which Twilio cannot play; upload MP3 or WAV.");
    }

    public static TheoryData<string, byte[], string> Signatures() => new()
    {
        { "jpeg", Hex("FFD8FFE000104A4649460001010000010001"), "The file is a JPEG image, not audio." },
        { "gif", Concat(Encoding.ASCII.GetBytes("GIF89a"), new byte[20]), "The file is a GIF image, not audio." },
        { "pdf", Encoding.ASCII.GetBytes("%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n"), "The file is a PDF document, not audio." },
        { "zip", Concat(Hex("504B0304140000000800"), new byte[30]), "The file is a ZIP archive (or an Office document), not audio." },
        { "flac", Concat(Encoding.ASCII.GetBytes("fLaC"), Hex("00000022"), new byte[34]), "The file is FLAC audio, which Twilio cannot play; upload MP3 or WAV." },
        { "m4a", Concat(Hex("00000020"), Encoding.ASCII.GetBytes("ftypM4A \0\0\0\0M4A mp42isom"), new byte[16]), "The file is M4A (AAC) audio, which Twilio cannot play; upload MP3 or WAV." },
        { "amr", Concat(Encoding.ASCII.GetBytes("#!AMR\n"), new byte[32]), "The file is AMR audio, which Twilio cannot play; upload MP3 or WAV." },
        { "opus", OggWithPacket("OpusHead"), "The file is Ogg Opus audio, which Twilio cannot play; upload MP3 or WAV." },
        { "flac after id3", Concat(AudioFixtures.Id3v2("tagged"), Encoding.ASCII.GetBytes("fLaC"), new byte[38]), "The file is FLAC audio, which Twilio cannot play; upload MP3 or WAV." },
    };

    [Theory]
    [MemberData(nameof(Signatures))]
    public void Known_non_mp3_signatures_are_rejected_with_a_reason(string kind, byte[] bytes, string reason)
    {
        kind.ShouldNotBeEmpty();
        ShouldBeRejected(Probe(bytes), reason);
        Probe(bytes).Reason.ShouldBe(reason);
    }

    [Fact]
    public void Damaged_files_never_make_the_probe_throw()
    {
        var random = new Random(2024);
        byte[][] originals =
        [
            AudioFixtures.Wav(0.3), AudioFixtures.Mp3(0.5), AudioFixtures.Mp3(0.5, withId3: false, withInfoHeader: true),
            AudioFixtures.Aiff(0.3), AudioFixtures.Png(), AudioFixtures.OggVorbis(),
        ];

        foreach (var original in originals)
        {
            for (var i = 0; i < 300; i++)
            {
                var damaged = original[..random.Next(original.Length + 1)];
                for (var flips = random.Next(4); flips > 0 && damaged.Length > 0; flips--)
                {
                    damaged[random.Next(Math.Min(damaged.Length, 128))] = (byte)random.Next(256);
                }

                var result = Probe(damaged);

                if (result.IsAudio)
                {
                    result.Format.ShouldNotBeNull();
                    result.DurationSeconds.ShouldNotBeNull();
                    result.DurationSeconds.Value.ShouldBeGreaterThan(0, $"{result} {damaged.Length} {Convert.ToHexString(damaged.AsSpan(0, Math.Min(64, damaged.Length)))}");
                }
                else
                {
                    result.Reason.ShouldNotBeNullOrWhiteSpace();
                }
            }
        }
    }

    // ------------------------------------------------------------------ streams and files

    [Fact]
    public void Probe_reads_from_the_start_and_restores_the_stream_position()
    {
        using var stream = new MemoryStream(AudioFixtures.Wav(1));
        stream.Position = stream.Length;

        ShouldBeAudio(AudioProbe.Probe(stream), "wav", "audio/wav", 1.0);
        stream.Position.ShouldBe(stream.Length);
    }

    [Fact]
    public void Probe_refuses_a_stream_it_cannot_seek()
    {
        using var inner = new MemoryStream(AudioFixtures.Wav(1));
        using var stream = new ForwardOnlyStream(inner);

        Should.Throw<ArgumentException>(() => AudioProbe.Probe(stream));
    }

    [Fact]
    public void Probe_reads_only_headers_of_a_large_wav()
    {
        using var inner = new MemoryStream(AudioFixtures.Wav(30, 44100, 2, 16)); // about 5 MB
        using var stream = new CountingStream(inner);

        ShouldBeAudio(AudioProbe.Probe(stream), "wav", "audio/wav", 30);
        stream.BytesRead.ShouldBeLessThan(100_000);
    }

    [Fact]
    public void Probe_reads_only_the_start_of_an_mp3_with_an_info_header()
    {
        using var inner = new MemoryStream(AudioFixtures.Mp3(120, withInfoHeader: true)); // about 2 MB
        using var stream = new CountingStream(inner);

        ShouldBeAudio(AudioProbe.Probe(stream), "mp3", "audio/mpeg", AudioFixtures.Mp3Duration(120));
        stream.BytesRead.ShouldBeLessThan(100_000);
    }

    [Fact]
    public void ProbeFile_probes_an_upload_saved_to_a_temp_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"audioprobe-{Guid.NewGuid():N}.mp3");
        File.WriteAllBytes(path, AudioFixtures.Wav(2)); // a WAV with an .mp3 name
        try
        {
            var result = AudioProbe.ProbeFile(path);

            ShouldBeAudio(result, "wav", "audio/wav", 2.0);
            AudioProbe.ExtensionFor(result.Format).ShouldBe(".wav");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("mp3", ".mp3", "audio/mpeg")]
    [InlineData("wav", ".wav", "audio/wav")]
    [InlineData("aiff", ".aiff", "audio/aiff")]
    [InlineData("ogg", null, null)]
    [InlineData(null, null, null)]
    public void Extension_and_content_type_follow_the_format(string? format, string? extension, string? contentType)
    {
        AudioProbe.ExtensionFor(format).ShouldBe(extension);
        AudioProbe.ContentTypeFor(format).ShouldBe(contentType);
    }

    // ------------------------------------------------------------------ the legacy app's uploads

    private static string LegacyMp3Folder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "legacy", "files", "mp3");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"No directory above {AppContext.BaseDirectory} holds shared/legacy/files/mp3 (the legacy sample data).");
    }

    [Fact]
    public void Every_legacy_upload_is_a_real_mp3()
    {
        var files = Directory.GetFiles(LegacyMp3Folder());
        files.ShouldNotBeEmpty();

        foreach (var file in files)
        {
            var result = AudioProbe.ProbeFile(file);

            result.IsAudio.ShouldBeTrue($"{Path.GetFileName(file)}: {result.Reason}");
            result.Format.ShouldBe("mp3", Path.GetFileName(file));
            result.ContentType.ShouldBe("audio/mpeg");
            result.DurationSeconds.ShouldNotBeNull();
            result.DurationSeconds.Value.ShouldBeGreaterThan(0, Path.GetFileName(file));
        }
    }

    // Expected durations: frame count x 576 samples / sample rate, counted independently of AudioProbe.
    // Two files carry an ID3 TLEN of 4557 ms and 3820 ms, within 3% of these (encoder delay and padding).
    [Theory]
    [InlineData("appointment-reminder.mp3", 3.204)] // MPEG-2, 16 kHz, 16 kbps, no tag
    [InlineData("après hours.mp3", 4.644)] // ID3v2.3 before, ID3v1 after
    [InlineData("hold-tone.mp3", 1.368)] // MPEG-2.5, 8 kHz, 8 kbps
    [InlineData("survey_thanks.mp3", 3.672)]
    [InlineData("welcome.mp3", 3.924)] // ID3v2.3 before, ID3v1 after
    public void Legacy_upload_has_the_expected_duration(string name, double expectedSeconds)
    {
        var result = AudioProbe.ProbeFile(Path.Combine(LegacyMp3Folder(), name));

        ShouldBeAudio(result, "mp3", "audio/mpeg", expectedSeconds);
    }

    // ------------------------------------------------------------------ helpers

    private static int IndexOf(byte[] haystack, string ascii)
    {
        var needle = Encoding.ASCII.GetBytes(ascii);
        return haystack.AsSpan().IndexOf(needle);
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex);

    private static byte[] OggWithPacket(string packetStart)
    {
        var packet = Encoding.ASCII.GetBytes(packetStart.PadRight(19, '\0'));
        var page = new byte[28 + packet.Length];
        Encoding.ASCII.GetBytes("OggS").CopyTo(page, 0);
        page[5] = 0x02;
        page[26] = 1;
        page[27] = (byte)packet.Length;
        packet.CopyTo(page, 28);
        return page;
    }

    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            BytesRead += read;
            return read;
        }

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            BytesRead += read;
            return read;
        }

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

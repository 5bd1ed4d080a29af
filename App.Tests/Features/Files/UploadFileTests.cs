using System.Security.Cryptography;
using System.Text;
using App.Tests.Support;

namespace App.Tests.Features.Files;

public sealed class UploadFileTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task An_MP3_upload_is_stored_with_its_metadata_duration_and_hash()
    {
        var tenant = await factory.CreateTenantAsync();
        var mp3 = AudioFixtures.Mp3(3.0);

        var item = await tenant.Client().UploadOkAsync(mp3, "Welcome.mp3", "Main greeting", " greeting, Main ,,MAIN, after-hours ", "+1 415 555 0100");

        item.GetProperty("filename").GetString().ShouldBe("Welcome.mp3");
        item.GetProperty("file_type").GetString().ShouldBe("mp3");
        item.GetProperty("content_type").GetString().ShouldBe("audio/mpeg");
        item.GetProperty("file_size").GetInt64().ShouldBe(mp3.Length);
        item.GetProperty("duration_seconds").GetDouble().ShouldBe(AudioFixtures.Mp3Duration(3.0), 0.01);
        item.GetProperty("description").GetString().ShouldBe("Main greeting");
        item.GetProperty("tag_list").EnumerateArray().Select(t => t.GetString()).ShouldBe(["greeting", "Main", "after-hours"]);
        item.GetProperty("caller_number").GetString().ShouldBe("+14155550100");
        item.GetProperty("is_active").GetBoolean().ShouldBeTrue();
        item.GetProperty("created_at").GetString()!.ShouldEndWith("Z");
        item.TryGetProperty("file_path", out _).ShouldBeFalse("the storage path stays inside");

        var stored = (await factory.StoredAsync(item.Id()))!;
        stored.TenantId.ShouldBe(tenant.Id);
        stored.TagList.ShouldBe("greeting,Main,after-hours");
        stored.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(mp3)));
        stored.FilePath.ShouldMatch($"^files/{tenant.Id}/[0-9a-f]{{32}}\\.mp3$");
        File.ReadAllBytes(factory.FullPath(stored)).ShouldBe(mp3);
        Directory.EnumerateFiles(factory.IncomingFolder(tenant.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_upload_answers_201_with_the_location_of_the_new_file()
    {
        var tenant = await factory.CreateTenantAsync();

        var response = await tenant.Client().UploadAsync(AudioFixtures.Wav(1.0), "beep.wav", contentType: "audio/wav");

        var item = await response.ShouldBeSuccessAsync(201);
        response.Headers.Location!.ToString().ShouldBe($"/api/files/{item.Id()}");
    }

    [Fact]
    public async Task A_WAV_named_mp3_is_stored_as_WAV()
    {
        var tenant = await factory.CreateTenantAsync();
        var wav = AudioFixtures.Wav(2.0);

        var response = await tenant.Client().UploadAsync(wav, "greeting.mp3");

        var item = await response.ShouldBeSuccessAsync(201);
        item.GetProperty("file_type").GetString().ShouldBe("wav");
        item.GetProperty("content_type").GetString().ShouldBe("audio/wav");
        item.GetProperty("duration_seconds").GetDouble().ShouldBe(2.0, 0.01);
        (await response.JsonAsync()).GetProperty("message").GetString()!.ShouldContain("WAV");
        var stored = (await factory.StoredAsync(item.Id()))!;
        stored.FileType.ShouldBe("wav");
        stored.FilePath.ShouldEndWith(".wav");
        File.ReadAllBytes(factory.FullPath(stored)).ShouldBe(wav);
    }

    [Fact]
    public async Task An_AIFF_file_is_accepted_because_Twilio_plays_it()
    {
        var tenant = await factory.CreateTenantAsync();

        var item = await tenant.Client().UploadOkAsync(AudioFixtures.Aiff(1.5), "hold.aiff");

        item.GetProperty("file_type").GetString().ShouldBe("aiff");
        item.GetProperty("content_type").GetString().ShouldBe("audio/aiff");
    }

    [Theory]
    [InlineData("text", "text")]
    [InlineData("png", "PNG image")]
    [InlineData("ogg", "Ogg Vorbis")]
    public async Task Content_that_is_not_playable_audio_renamed_mp3_is_refused_with_415_and_the_reason(string kind, string reasonFragment)
    {
        var tenant = await factory.CreateTenantAsync();
        var bytes = kind switch
        {
            "text" => AudioFixtures.Text(),
            "png" => AudioFixtures.Png(),
            _ => AudioFixtures.OggVorbis(),
        };

        var error = await (await tenant.Client().UploadAsync(bytes, "greeting.mp3")).ShouldBeErrorAsync(415, "UNSUPPORTED_MEDIA_TYPE");

        var reason = error.GetProperty("details").GetProperty("reason").GetString()!;
        reason.ShouldContain(reasonFragment, Case.Insensitive);
        error.GetProperty("message").GetString().ShouldBe(reason);
        await AssertNothingStoredAsync(tenant);
    }

    [Fact]
    public async Task An_empty_file_is_refused_with_415()
    {
        var tenant = await factory.CreateTenantAsync();

        var error = await (await tenant.Client().UploadAsync([], "empty.mp3")).ShouldBeErrorAsync(415, "UNSUPPORTED_MEDIA_TYPE");

        error.GetProperty("details").GetProperty("reason").GetString()!.ShouldContain("empty");
        await AssertNothingStoredAsync(tenant);
    }

    [Fact]
    public async Task A_path_in_the_file_name_is_dropped_and_the_file_stays_in_the_tenant_folder()
    {
        var tenant = await factory.CreateTenantAsync();

        var response = await tenant.Client().UploadRawAsync(AudioFixtures.Mp3(1.0),
            "form-data; name=\"file\"; filename=\"../../../../etc/cron.d/evil.mp3\"");

        var item = await response.ShouldBeSuccessAsync(201);
        item.GetProperty("filename").GetString().ShouldBe("evil.mp3");
        await AssertStoredUnderTenantFolderAsync(tenant, item.Id());
    }

    [Fact]
    public async Task A_Windows_path_in_the_file_name_is_dropped_too()
    {
        var tenant = await factory.CreateTenantAsync();

        var response = await tenant.Client().UploadRawAsync(AudioFixtures.Mp3(1.0),
            "form-data; name=\"file\"; filename=\"C:\\\\Users\\\\amy\\\\..\\\\hold music.mp3\"");

        var item = await response.ShouldBeSuccessAsync(201);
        item.GetProperty("filename").GetString().ShouldBe("hold music.mp3");
        await AssertStoredUnderTenantFolderAsync(tenant, item.Id());
    }

    [Fact]
    public async Task NUL_and_control_characters_are_removed_from_the_display_name()
    {
        var tenant = await factory.CreateTenantAsync();

        var response = await tenant.Client().UploadRawAsync(AudioFixtures.Mp3(1.0),
            "form-data; name=\"file\"; filename=\"greet\0ing\u0007\u202Egpj.mp3\"");

        var item = await response.ShouldBeSuccessAsync(201);
        item.GetProperty("filename").GetString().ShouldBe("greetinggpj.mp3");
        (await factory.StoredAsync(item.Id()))!.Filename.ShouldBe("greetinggpj.mp3");
        await AssertStoredUnderTenantFolderAsync(tenant, item.Id());
    }

    [Fact]
    public async Task A_500_character_name_is_shortened_to_200_keeping_the_extension()
    {
        var tenant = await factory.CreateTenantAsync();
        var longName = new string('a', 300) + new string('é', 196) + ".mp3";

        var item = await tenant.Client().UploadOkAsync(AudioFixtures.Mp3(1.0), longName);

        var filename = item.GetProperty("filename").GetString()!;
        filename.Length.ShouldBe(200);
        filename.ShouldEndWith(".mp3");
        filename.ShouldStartWith(new string('a', 196));
        await AssertStoredUnderTenantFolderAsync(tenant, item.Id());
    }

    [Fact]
    public async Task A_non_ASCII_name_is_kept_as_the_client_wrote_it()
    {
        var tenant = await factory.CreateTenantAsync();

        var item = await tenant.Client().UploadOkAsync(AudioFixtures.Mp3(1.0), "après hours.mp3");

        item.GetProperty("filename").GetString().ShouldBe("après hours.mp3");
        await AssertStoredUnderTenantFolderAsync(tenant, item.Id());
    }

    [Fact]
    public async Task A_raw_UTF8_file_name_as_browsers_send_it_is_kept()
    {
        var tenant = await factory.CreateTenantAsync();

        var response = await tenant.Client().UploadRawAsync(AudioFixtures.Mp3(1.0), "form-data; name=\"file\"; filename=\"été – accueil.mp3\"");

        (await response.ShouldBeSuccessAsync(201)).GetProperty("filename").GetString().ShouldBe("été – accueil.mp3");
    }

    [Fact]
    public async Task A_name_made_only_of_dots_becomes_a_neutral_name()
    {
        var tenant = await factory.CreateTenantAsync();

        var response = await tenant.Client().UploadRawAsync(AudioFixtures.Wav(1.0), "form-data; name=\"file\"; filename=\"..\"");

        (await response.ShouldBeSuccessAsync(201)).GetProperty("filename").GetString().ShouldBe("audio.wav");
    }

    [Fact]
    public async Task An_upload_without_a_file_part_is_400_naming_the_file_field()
    {
        var tenant = await factory.CreateTenantAsync();
        var form = new MultipartFormDataContent { { new StringContent("no file here"), "description" } };

        var error = await (await tenant.Client().PostAsync("/api/files/upload", form)).ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        error.GetProperty("details").TryGetProperty("file", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task A_JSON_body_is_refused_with_415()
    {
        var tenant = await factory.CreateTenantAsync();

        var response = await tenant.Client().PostAsync("/api/files/upload", new StringContent("{}", Encoding.UTF8, "application/json"));

        await response.ShouldBeErrorAsync(415, "UNSUPPORTED_MEDIA_TYPE");
    }

    [Fact]
    public async Task A_truncated_multipart_body_is_400_and_leaves_nothing_behind()
    {
        var tenant = await factory.CreateTenantAsync();
        var body = Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.mp3\"\r\n\r\n")
            .Concat(AudioFixtures.Mp3(1.0)).ToArray(); // no closing boundary
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=b");

        await (await tenant.Client().PostAsync("/api/files/upload", content)).ShouldBeErrorAsync(400, "BAD_REQUEST");

        await AssertNothingStoredAsync(tenant);
    }

    [Fact]
    public async Task A_national_caller_number_is_read_in_the_tenant_default_region()
    {
        var tenant = await factory.CreateTenantAsync();
        await factory.SetDefaultRegionAsync(tenant.Id, "GB");

        var item = await tenant.Client().UploadOkAsync(AudioFixtures.Mp3(1.0), "uk.mp3", callerNumber: "020 7946 0018");

        item.GetProperty("caller_number").GetString().ShouldBe("+442079460018");
    }

    [Fact]
    public async Task An_invalid_caller_number_is_400_and_nothing_is_stored()
    {
        var tenant = await factory.CreateTenantAsync();

        var error = await (await tenant.Client().UploadAsync(AudioFixtures.Mp3(1.0), "x.mp3", callerNumber: "not a phone"))
            .ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        error.GetProperty("details").TryGetProperty("caller_number", out _).ShouldBeTrue();
        await AssertNothingStoredAsync(tenant);
    }

    [Fact]
    public async Task An_upload_needs_the_API_key()
    {
        var response = await factory.CreateClient().UploadAsync(AudioFixtures.Mp3(1.0), "x.mp3");

        await response.ShouldBeErrorAsync(401, "UNAUTHORIZED");
    }

    private async Task AssertStoredUnderTenantFolderAsync(TestTenant tenant, long id)
    {
        var stored = (await factory.StoredAsync(id))!;
        var full = factory.FullPath(stored);
        full.ShouldStartWith(factory.TenantFolder(tenant.Id) + Path.DirectorySeparatorChar);
        Path.GetFileName(full).ShouldMatch(@"^[0-9a-f]{32}\.(mp3|wav|aiff)$");
        File.Exists(full).ShouldBeTrue();
    }

    private async Task AssertNothingStoredAsync(TestTenant tenant)
    {
        var list = await (await tenant.Client().GetAsync("/api/files")).ShouldBeSuccessAsync();
        list.GetArrayLength().ShouldBe(0);
        var folder = factory.TenantFolder(tenant.Id);
        if (Directory.Exists(folder)) Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ShouldBeEmpty();
    }
}

using System.Net;
using System.Net.Http.Headers;
using App.Tests.Support;

namespace App.Tests.Features.Files;

public sealed class DownloadFileTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Upload_list_update_then_download_gives_back_the_same_bytes()
    {
        var tenant = await factory.CreateTenantAsync();
        var client = tenant.Client();
        var mp3 = AudioFixtures.Mp3(2.0);
        var created = await client.UploadOkAsync(mp3, "welcome.mp3");
        (await (await client.GetAsync("/api/files")).ShouldBeSuccessAsync()).EnumerateArray().Single().Id().ShouldBe(created.Id());
        await (await client.PutJsonAsync($"/api/files/{created.Id()}", new { description = "Updated" })).ShouldBeSuccessAsync();

        var response = await client.GetAsync($"/api/files/{created.Id()}/download");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("audio/mpeg");
        response.Content.Headers.ContentLength.ShouldBe(mp3.Length);
        response.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        response.Content.Headers.ContentDisposition.FileName.ShouldBe("welcome.mp3");
        response.Headers.AcceptRanges.ShouldContain("bytes");
        response.Headers.ETag.ShouldNotBeNull();
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(mp3);
    }

    [Fact]
    public async Task A_range_request_is_answered_206_with_exactly_those_bytes()
    {
        var tenant = await factory.CreateTenantAsync();
        var wav = AudioFixtures.Wav(1.0);
        var created = await tenant.Client().UploadOkAsync(wav, "tone.wav");
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/files/{created.Id()}/download");
        request.Headers.Range = new RangeHeaderValue(100, 1099);

        var response = await tenant.Client().SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        response.Content.Headers.ContentRange!.ToString().ShouldBe($"bytes 100-1099/{wav.Length}");
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(wav[100..1100]);
    }

    [Fact]
    public async Task An_open_ended_range_returns_the_tail_of_the_file()
    {
        var tenant = await factory.CreateTenantAsync();
        var wav = AudioFixtures.Wav(1.0);
        var created = await tenant.Client().UploadOkAsync(wav, "tone.wav");
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/files/{created.Id()}/download");
        request.Headers.Range = new RangeHeaderValue(wav.Length - 10, null);

        var response = await tenant.Client().SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(wav[^10..]);
    }

    [Fact]
    public async Task A_matching_If_None_Match_is_answered_304_without_a_body()
    {
        var tenant = await factory.CreateTenantAsync();
        var created = await tenant.Client().UploadOkAsync(AudioFixtures.Mp3(1.0), "welcome.mp3");
        var first = await tenant.Client().GetAsync($"/api/files/{created.Id()}/download");
        var etag = first.Headers.ETag!;
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/files/{created.Id()}/download");
        request.Headers.IfNoneMatch.Add(etag);

        var response = await tenant.Client().SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.NotModified);
        (await response.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_download_name_is_safe_and_carries_the_extension_of_the_real_format()
    {
        var tenant = await factory.CreateTenantAsync();
        var created = await (await tenant.Client().UploadRawAsync(AudioFixtures.Wav(1.0),
            "form-data; name=\"file\"; filename*=UTF-8''apr%C3%A8s%20%22hours%22.mp3")).ShouldBeSuccessAsync(201);
        created.GetProperty("filename").GetString().ShouldBe("après \"hours\".mp3");

        var response = await tenant.Client().GetAsync($"/api/files/{created.Id()}/download");

        var disposition = response.Content.Headers.ContentDisposition!;
        disposition.FileName.ShouldBe("apres _hours_.wav");
        disposition.FileNameStar.ShouldBe("après \"hours\".wav");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("audio/wav");
        response.Headers.GetValues("X-Content-Type-Options").ShouldContain("nosniff");
    }
}

using System.Net;
using System.Net.Http.Headers;
using App.Features.Files;
using App.Tests.Support;

namespace App.Tests.Features.Files;

/// <summary>Twilio fetches &lt;Play&gt; audio anonymously over real HTTP: these tests do the same against a real socket.</summary>
public sealed class ServeMediaTests(KestrelAppFactory factory) : IClassFixture<KestrelAppFactory>
{
    private MediaUrls Media => factory.Service<MediaUrls>();

    private HttpClient Anonymous() => new() { BaseAddress = factory.BaseAddress };

    private HttpClient TenantClient(TestTenant tenant)
    {
        var client = new HttpClient { BaseAddress = factory.BaseAddress };
        client.DefaultRequestHeaders.Add("X-API-Key", tenant.ApiKey);
        return client;
    }

    private async Task<(TestTenant Tenant, long Id, byte[] Bytes)> UploadAsync(byte[]? bytes = null)
    {
        var tenant = await factory.CreateTenantAsync();
        bytes ??= AudioFixtures.Mp3(2.0);
        var item = await TenantClient(tenant).UploadOkAsync(bytes, "greeting.mp3");
        return (tenant, item.Id(), bytes);
    }

    [Fact]
    public async Task A_signed_URL_plays_the_file_for_an_anonymous_client()
    {
        var (_, id, mp3) = await UploadAsync();
        var url = Media.SignedUrl(id, TimeSpan.FromHours(24));

        url.ShouldStartWith(factory.BaseAddress.ToString().TrimEnd('/') + $"/media/{id}?exp=");
        var response = await Anonymous().GetAsync(url);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("audio/mpeg");
        response.Headers.CacheControl!.Public.ShouldBeTrue();
        response.Headers.CacheControl.MaxAge!.Value.TotalSeconds.ShouldBe(86_400, 5);
        response.Headers.ETag.ShouldNotBeNull();
        response.Content.Headers.ContentDisposition.ShouldBeNull();
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(mp3);
    }

    [Fact]
    public async Task URLs_for_Twilio_are_stable_within_the_hour_so_its_media_cache_is_reused()
    {
        var (_, id, _) = await UploadAsync();

        var hourBefore = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 3600;
        var first = Media.SignedUrl(id);
        var second = Media.SignedUrl(id);
        var crossedAnHour = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 3600 != hourBefore;

        if (!crossedAnHour) second.ShouldBe(first);
        var exp = long.Parse(first.Split("exp=")[1].Split('&')[0]);
        (exp % 3600).ShouldBe(0);
        (exp - DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ShouldBeInRange(24 * 3600 - 5, 25 * 3600);
        (await Anonymous().GetAsync(first)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_cache_lifetime_never_outlives_the_URL()
    {
        var (_, id, _) = await UploadAsync();

        var response = await Anonymous().GetAsync(Media.SignedUrl(id, TimeSpan.FromMinutes(10)));

        response.Headers.CacheControl!.MaxAge!.Value.TotalSeconds.ShouldBe(600, 5);
    }

    [Fact]
    public async Task Range_and_HEAD_requests_work_on_media_URLs()
    {
        var (_, id, mp3) = await UploadAsync();
        var url = Media.SignedUrl(id);
        var ranged = new HttpRequestMessage(HttpMethod.Get, url);
        ranged.Headers.Range = new RangeHeaderValue(0, 99);

        var partial = await Anonymous().SendAsync(ranged);
        var head = await Anonymous().SendAsync(new HttpRequestMessage(HttpMethod.Head, url));

        partial.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        (await partial.Content.ReadAsByteArrayAsync()).ShouldBe(mp3[..100]);
        head.StatusCode.ShouldBe(HttpStatusCode.OK);
        head.Content.Headers.ContentLength.ShouldBe(mp3.Length);
        head.Content.Headers.ContentType!.MediaType.ShouldBe("audio/mpeg");
    }

    [Fact]
    public async Task A_tampered_signature_is_403()
    {
        var (_, id, _) = await UploadAsync();
        var url = Media.SignedUrl(id);
        var signature = url[(url.IndexOf("sig=", StringComparison.Ordinal) + 4)..];
        var flipped = (signature[0] == 'A' ? 'B' : 'A') + signature[1..];

        var response = await Anonymous().GetAsync(url.Replace("sig=" + signature, "sig=" + flipped));

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        (await response.Content.ReadAsStringAsync()).ShouldNotContain("success");
    }

    [Fact]
    public async Task A_signature_for_another_file_or_a_later_expiry_is_403()
    {
        var (_, id, _) = await UploadAsync();
        var (_, otherId, _) = await UploadAsync();
        var url = Media.SignedUrl(id);
        var exp = long.Parse(url.Split("exp=")[1].Split('&')[0]);

        (await Anonymous().GetAsync(url.Replace($"/media/{id}?", $"/media/{otherId}?"))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Anonymous().GetAsync(url.Replace($"exp={exp}", $"exp={exp + 3600}"))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Anonymous().GetAsync($"/media/{id}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Anonymous().GetAsync($"/media/{id}?exp=abc&sig=%%%")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_expired_URL_is_403()
    {
        var (_, id, _) = await UploadAsync();

        var response = await Anonymous().GetAsync(Media.SignedUrl(id, TimeSpan.FromMinutes(-1)));

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await response.Content.ReadAsStringAsync()).ShouldContain("expired");
    }

    [Fact]
    public async Task A_deleted_or_switched_off_file_is_404_for_Twilio()
    {
        var (tenant, id, _) = await UploadAsync();
        var (_, deletedId, _) = await UploadAsync();
        var url = Media.SignedUrl(id);
        var deletedUrl = Media.SignedUrl(deletedId);
        await (await TenantClient(tenant).PutJsonAsync($"/api/files/{id}", new { is_active = false })).ShouldBeSuccessAsync();
        await using (var connection = await factory.Db.OpenAsync())
            await Dapper.SqlMapper.ExecuteAsync(connection, "DELETE FROM voice_files WHERE id = @deletedId", new { deletedId });

        (await Anonymous().GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Anonymous().GetAsync(deletedUrl)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Media.FindPlayableAsync(tenant.Id, id, default)).ShouldBeNull();
    }

    [Fact]
    public async Task The_play_url_endpoint_gives_the_admin_UI_a_short_lived_link_that_also_plays_inactive_files()
    {
        var (tenant, id, mp3) = await UploadAsync();
        await (await TenantClient(tenant).PutJsonAsync($"/api/files/{id}", new { is_active = false })).ShouldBeSuccessAsync();

        var data = await (await TenantClient(tenant).PostAsync($"/api/files/{id}/play-url", null)).ShouldBeSuccessAsync();

        var url = data.GetProperty("url").GetString()!;
        var expiresAt = DateTimeOffset.Parse(data.GetProperty("expires_at").GetString()!);
        (expiresAt - DateTimeOffset.UtcNow).TotalMinutes.ShouldBe(30, 1);
        url.ShouldNotContain(tenant.ApiKey);
        var response = await Anonymous().GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.CacheControl!.Private.ShouldBeTrue();
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(mp3);
        // A preview link is not a Twilio link: without its purpose it does not verify.
        (await Anonymous().GetAsync(url.Replace("&use=preview", ""))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task FindPlayableAsync_describes_an_active_file_of_the_tenant()
    {
        var (tenant, id, _) = await UploadAsync(AudioFixtures.Wav(1.5));

        var found = await Media.FindPlayableAsync(tenant.Id, id, default);

        found.ShouldBe(new VoiceFileRef(id, "greeting.mp3", "audio/wav", 1.5));
    }

    [Fact]
    public async Task The_signing_key_is_32_random_bytes_readable_only_by_the_owner()
    {
        var (_, id, _) = await UploadAsync();
        Media.SignedUrl(id);

        var path = Path.Combine(factory.DataDirectory, "keys", MediaUrls.KeyFileName);

        Convert.FromBase64String(File.ReadAllText(path).Trim()).Length.ShouldBe(32);
        if (!OperatingSystem.IsWindows())
            File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public async Task A_voice_message_with_a_file_plays_it_through_a_signed_URL_that_works()
    {
        var (tenant, id, mp3) = await UploadAsync();
        var client = TenantClient(tenant);
        var message = await (await client.PostJsonAsync("/api/voice-messages", new
        {
            name = "Reminder with jingle",
            voice_text = "Your appointment is tomorrow.",
            voice_file_id = id,
            play_position = "before",
        })).ShouldBeSuccessAsync(201);

        var preview = await (await client.GetAsync($"/api/voice-messages/{message.Id()}/preview")).ShouldBeSuccessAsync();

        var twiml = System.Xml.Linq.XDocument.Parse(preview.GetProperty("twiml").GetString()!);
        var play = twiml.Root!.Elements().First();
        play.Name.LocalName.ShouldBe("Play");
        var url = play.Value;
        url.ShouldStartWith(factory.BaseAddress.ToString().TrimEnd('/') + $"/media/{id}?exp=");
        url.ShouldNotContain(tenant.ApiKey);
        var response = await Anonymous().GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("audio/mpeg");
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(mp3);
        var tampered = url.Replace($"/media/{id}?", $"/media/{id + 1000}?");
        (await Anonymous().GetAsync(tampered)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_switched_off_file_is_left_out_of_the_voice_message()
    {
        var (tenant, id, _) = await UploadAsync();
        var client = TenantClient(tenant);
        var message = await (await client.PostJsonAsync("/api/voice-messages", new
        {
            name = "Jingle then text",
            voice_text = "Hello.",
            voice_file_id = id,
        })).ShouldBeSuccessAsync(201);
        await (await client.PutJsonAsync($"/api/files/{id}", new { is_active = false })).ShouldBeSuccessAsync();

        var preview = await (await client.GetAsync($"/api/voice-messages/{message.Id()}/preview")).ShouldBeSuccessAsync();

        preview.GetProperty("twiml").GetString()!.ShouldNotContain("<Play");
        (await Media.PlayUrlAsync(tenant.Id, id, default)).ShouldBeNull();
    }
}

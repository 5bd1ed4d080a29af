using App.Tests.Support;

namespace App.Tests.Features.Files;

public sealed class ListFilesTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task The_library_lists_newest_first_with_pagination()
    {
        var tenant = await factory.CreateTenantAsync();
        var client = tenant.Client();
        for (var i = 1; i <= 3; i++) await client.UploadOkAsync(AudioFixtures.Mp3(1.0), $"file-{i}.mp3");

        var response = await client.GetAsync("/api/files?page=1&per_page=2");

        var items = await response.ShouldBeSuccessAsync();
        items.EnumerateArray().Select(i => i.GetProperty("filename").GetString()).ShouldBe(["file-3.mp3", "file-2.mp3"]);
        var pagination = (await response.JsonAsync()).GetProperty("pagination");
        pagination.GetProperty("total_items").GetInt64().ShouldBe(3);
        pagination.GetProperty("total_pages").GetInt32().ShouldBe(2);
        pagination.GetProperty("has_next").GetBoolean().ShouldBeTrue();
        var second = await (await client.GetAsync("/api/files?page=2&per_page=2")).ShouldBeSuccessAsync();
        second.EnumerateArray().Select(i => i.GetProperty("filename").GetString()).ShouldBe(["file-1.mp3"]);
    }

    [Fact]
    public async Task Files_are_filtered_by_type_tag_search_and_active_flag()
    {
        var tenant = await factory.CreateTenantAsync();
        var client = tenant.Client();
        await client.UploadOkAsync(AudioFixtures.Mp3(1.0), "welcome.mp3", "Morning greeting", "greeting,Main");
        var wav = await client.UploadOkAsync(AudioFixtures.Wav(1.0), "closed.wav", "We are closed 100% of Sunday", "after-hours");
        var old = await client.UploadOkAsync(AudioFixtures.Mp3(1.0), "old_greeting.mp3", null, "greetings");
        (await client.PutJsonAsync($"/api/files/{old.Id()}", new { is_active = false })).EnsureSuccessStatusCode();

        (await NamesAsync(client, "file_type=wav")).ShouldBe(["closed.wav"]);
        (await NamesAsync(client, "tag=MAIN")).ShouldBe(["welcome.mp3"]);
        (await NamesAsync(client, "tag=greeting")).ShouldBe(["welcome.mp3"], "a tag matches whole, not 'greetings'");
        (await NamesAsync(client, "search=GREETING")).ShouldBe(["old_greeting.mp3", "welcome.mp3"]);
        (await NamesAsync(client, "search=100%25")).ShouldBe(["closed.wav"]);
        (await NamesAsync(client, "search=_")).ShouldBe(["old_greeting.mp3"], "LIKE wildcards are taken literally");
        (await NamesAsync(client, "is_active=false")).ShouldBe(["old_greeting.mp3"]);
        (await NamesAsync(client, "is_active=true&file_type=mp3")).ShouldBe(["welcome.mp3"]);
        wav.GetProperty("tag_list").EnumerateArray().Single().GetString().ShouldBe("after-hours");
    }

    [Fact]
    public async Task An_unknown_file_type_filter_is_400()
    {
        var tenant = await factory.CreateTenantAsync();

        var error = await (await tenant.Client().GetAsync("/api/files?file_type=ogg")).ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        error.GetProperty("details").TryGetProperty("file_type", out _).ShouldBeTrue();
    }

    private static async Task<string?[]> NamesAsync(HttpClient client, string query)
    {
        var items = await (await client.GetAsync("/api/files?" + query)).ShouldBeSuccessAsync();
        return items.EnumerateArray().Select(i => i.GetProperty("filename").GetString()).ToArray();
    }
}

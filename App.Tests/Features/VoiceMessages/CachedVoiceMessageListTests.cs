using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using App.Features.VoiceMessages;
using App.Infrastructure.Web;
using App.Tests.Support;
using Dapper;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace App.Tests.Features.VoiceMessages;

/// <summary>The list answer is kept per tenant and query: every change made through the app shows at once.</summary>
public sealed partial class CachedVoiceMessageListTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task The_answer_is_kept_until_a_change_to_voice_messages_is_recorded()
    {
        var tenant = await factory.CreateTenantAsync();
        await tenant.Client().CreateAsync(VoiceMessageTestData.Body("Kept"));
        (await NamesAsync(tenant)).ShouldBe(["Kept"]);

        // A change that bypasses the change counter (its trigger is out of the way for one transaction) proves the
        // list is served from the cache rather than read again.
        await using (var connection = await factory.Db.OpenAsync())
        {
            await using var transaction = await connection.BeginTransactionAsync();
            var trigger = await connection.ExecuteScalarAsync<string>(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'voice_messages_changed_on_update'", transaction: transaction);
            await connection.ExecuteAsync("DROP TRIGGER voice_messages_changed_on_update", transaction: transaction);
            await connection.ExecuteAsync("UPDATE voice_messages SET name = 'Changed behind the app' WHERE tenant_id = @Id", new { tenant.Id }, transaction);
            await connection.ExecuteAsync(trigger!, transaction: transaction);
            await transaction.CommitAsync();
        }

        (await NamesAsync(tenant)).ShouldBe(["Kept"]);
    }

    [Fact]
    public async Task A_create_right_after_a_list_read_is_listed()
    {
        var tenant = await factory.CreateTenantAsync();
        await tenant.Client().CreateAsync(VoiceMessageTestData.Body("First"));
        (await NamesAsync(tenant)).ShouldBe(["First"]);

        await tenant.Client().CreateAsync(VoiceMessageTestData.Body("Second"));

        (await NamesAsync(tenant)).ShouldBe(["Second", "First"]);
        (await PageAsync(tenant)).GetProperty("pagination").GetProperty("total_items").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task An_update_right_after_a_list_read_is_listed()
    {
        var tenant = await factory.CreateTenantAsync();
        var id = await tenant.Client().CreateIdAsync(VoiceMessageTestData.Body("Before"));
        (await NamesAsync(tenant)).ShouldBe(["Before"]);

        await (await tenant.Client().PutJsonAsync($"/api/voice-messages/{id}", VoiceMessageTestData.Body("After", "Bye {{last_name}}")))
            .ShouldBeSuccessAsync();

        var item = (await PageAsync(tenant)).GetProperty("data").EnumerateArray().ShouldHaveSingleItem();
        item.GetProperty("name").GetString().ShouldBe("After");
        item.GetProperty("variables").Strings().ShouldBe(["last_name"]);
    }

    [Fact]
    public async Task A_delete_right_after_a_list_read_is_gone_from_the_list()
    {
        var tenant = await factory.CreateTenantAsync();
        var id = await tenant.Client().CreateIdAsync(VoiceMessageTestData.Body("Doomed"));
        await tenant.Client().CreateAsync(VoiceMessageTestData.Body("Stays"));
        (await NamesAsync(tenant)).ShouldBe(["Stays", "Doomed"]);

        await (await tenant.Client().DeleteAsync($"/api/voice-messages/{id}")).ShouldBeSuccessAsync();

        (await NamesAsync(tenant)).ShouldBe(["Stays"]);
    }

    [Fact]
    public async Task A_duplicate_right_after_a_list_read_is_listed()
    {
        var tenant = await factory.CreateTenantAsync();
        var id = await tenant.Client().CreateIdAsync(VoiceMessageTestData.Body("Original"));
        (await NamesAsync(tenant)).ShouldBe(["Original"]);

        await (await tenant.Client().PostAsync($"/api/voice-messages/{id}/duplicate", null)).ShouldBeSuccessAsync(201);

        (await NamesAsync(tenant)).ShouldBe(["Original (copy)", "Original"]);
    }

    [Fact]
    public async Task Deleting_the_played_file_right_after_a_list_read_shows_no_file_in_the_list()
    {
        var tenant = await factory.CreateTenantAsync();
        var fileId = await factory.InsertFileAsync(tenant.Id);
        await tenant.Client().CreateAsync(VoiceMessageTestData.Body("With audio").With("voice_file_id", fileId));
        (await PageAsync(tenant)).GetProperty("data")[0].GetProperty("voice_file_id").GetInt64().ShouldBe(fileId);

        await (await tenant.Client().DeleteAsync($"/api/files/{fileId}")).ShouldBeSuccessAsync();

        (await PageAsync(tenant)).GetProperty("data")[0].GetProperty("voice_file_id").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Two_tenants_asking_the_same_query_each_get_their_own_list()
    {
        var first = await factory.CreateTenantAsync();
        var second = await factory.CreateTenantAsync();
        await first.Client().CreateAsync(VoiceMessageTestData.Body("First's"));
        await second.Client().CreateAsync(VoiceMessageTestData.Body("Second's"));

        for (var round = 0; round < 2; round++)
        {
            (await NamesAsync(first, "?per_page=20")).ShouldBe(["First's"]);
            (await NamesAsync(second, "?per_page=20")).ShouldBe(["Second's"]);
        }

        await first.Client().CreateAsync(VoiceMessageTestData.Body("First's new"));
        (await NamesAsync(second, "?per_page=20")).ShouldBe(["Second's"]);
        (await NamesAsync(first, "?per_page=20")).ShouldBe(["First's new", "First's"]);
    }

    [Fact]
    public async Task Another_tenant_with_the_same_empty_list_does_not_match_the_etag()
    {
        var first = await factory.CreateTenantAsync();
        var second = await factory.CreateTenantAsync();
        var etag = (await first.Client().GetAsync("/api/voice-messages")).Headers.ETag!;

        var response = await GetAsync(second, "", etag);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.ETag.ShouldNotBe(etag);
    }

    [Fact]
    public async Task Pages_searches_and_filters_are_kept_apart_and_each_follows_changes()
    {
        var tenant = await factory.CreateTenantAsync();
        foreach (var name in new[] { "Alpha", "Beta", "Gamma", "Delta" }) await tenant.Client().CreateAsync(VoiceMessageTestData.Body(name));
        await tenant.Client().CreateAsync(VoiceMessageTestData.Body("Retired alpha").With("is_active", false));

        for (var round = 0; round < 2; round++)
        {
            (await NamesAsync(tenant, "?per_page=2")).ShouldBe(["Retired alpha", "Delta"]);
            (await NamesAsync(tenant, "?page=2&per_page=2")).ShouldBe(["Gamma", "Beta"]);
            (await NamesAsync(tenant, "?search=alpha")).ShouldBe(["Retired alpha", "Alpha"]);
            (await NamesAsync(tenant, "?search=%20alpha%20")).ShouldBe(["Retired alpha", "Alpha"]);
            (await NamesAsync(tenant, "?is_active=false")).ShouldBe(["Retired alpha"]);
            (await NamesAsync(tenant, "?is_active=true&search=alpha")).ShouldBe(["Alpha"]);
        }

        await tenant.Client().CreateAsync(VoiceMessageTestData.Body("Alpha two").With("is_active", false));

        (await NamesAsync(tenant, "?per_page=2")).ShouldBe(["Alpha two", "Retired alpha"]);
        (await NamesAsync(tenant, "?page=2&per_page=2")).ShouldBe(["Delta", "Gamma"]);
        (await NamesAsync(tenant, "?search=alpha")).ShouldBe(["Alpha two", "Retired alpha", "Alpha"]);
        (await NamesAsync(tenant, "?is_active=0")).ShouldBe(["Alpha two", "Retired alpha"]);
        (await NamesAsync(tenant, "?is_active=true&search=alpha")).ShouldBe(["Alpha"]);
    }

    [Fact]
    public async Task The_etag_answers_304_until_the_list_changes()
    {
        var tenant = await factory.CreateTenantAsync();
        await tenant.Client().CreateAsync(VoiceMessageTestData.Body("Polled"));

        var first = await GetAsync(tenant, "");
        var etag = first.Headers.ETag.ShouldNotBeNull();
        etag.IsWeak.ShouldBeFalse();
        first.Headers.CacheControl.ShouldNotBeNull().ShouldSatisfyAllConditions(
            c => c.Private.ShouldBeTrue(), c => c.NoCache.ShouldBeTrue(), c => c.Public.ShouldBeFalse(), c => c.MaxAge.ShouldBeNull());

        var unchanged = await GetAsync(tenant, "", etag);
        unchanged.StatusCode.ShouldBe(HttpStatusCode.NotModified);
        unchanged.Headers.ETag.ShouldBe(etag);
        (await unchanged.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
        (await GetAsync(tenant, "?page=2", etag)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await tenant.Client().CreateAsync(VoiceMessageTestData.Body("New"));

        var changed = await GetAsync(tenant, "", etag);
        changed.StatusCode.ShouldBe(HttpStatusCode.OK);
        changed.Headers.ETag.ShouldNotBe(etag);
        (await changed.JsonAsync()).GetProperty("data").GetArrayLength().ShouldBe(2);
        (await GetAsync(tenant, "", changed.Headers.ETag)).StatusCode.ShouldBe(HttpStatusCode.NotModified);
    }

    [Fact]
    public async Task A_kept_answer_is_the_usual_envelope_with_a_fresh_timestamp()
    {
        var tenant = await factory.CreateTenantAsync();
        var id = await tenant.Client().CreateIdAsync(VoiceMessageTestData.Body("Shape").With("voice_settings", new { speed = 1 }));

        var read = await GetAsync(tenant, "?per_page=5");
        var text = await read.Content.ReadAsStringAsync();
        // The timestamp has whole seconds: ask again until the clock has moved on, rather than sleeping a fixed time.
        var firstTimestamp = JsonDocument.Parse(text).RootElement.GetProperty("timestamp").GetString();
        var again = await Eventually.GetAsync(
            async () => await (await GetAsync(tenant, "?per_page=5")).Content.ReadAsStringAsync(),
            answer => JsonDocument.Parse(answer).RootElement.GetProperty("timestamp").GetString() != firstTimestamp,
            TimeSpan.FromSeconds(10), "an answer written in a later second");

        read.Content.Headers.ContentType!.ToString().ShouldBe("application/json; charset=utf-8");
        var body = JsonDocument.Parse(text).RootElement;
        body.EnumerateObject().Select(p => p.Name).ShouldBe(["success", "data", "message", "timestamp", "pagination"]);
        body.GetProperty("message").GetString().ShouldBe("OK");
        JsonDocument.Parse(again).RootElement.GetProperty("timestamp").GetString().ShouldNotBe(body.GetProperty("timestamp").GetString());
        WithoutTimestamp(again).ShouldBe(WithoutTimestamp(text));

        var single = JsonDocument.Parse(await (await tenant.Client().GetAsync($"/api/voice-messages/{id}")).Content.ReadAsStringAsync());
        body.GetProperty("data")[0].GetRawText().ShouldBe(single.RootElement.GetProperty("data").GetRawText());
        body.GetProperty("pagination").GetRawText()
            .ShouldBe("""{"page":1,"per_page":5,"total_items":1,"total_pages":1,"has_next":false,"has_prev":false}""");
    }

    [Fact]
    public async Task An_answer_read_before_a_change_is_never_served_after_it()
    {
        var tenant = await factory.CreateTenantAsync();
        var cache = factory.Service<VoiceMessageListCache>();
        var query = new ListVoiceMessages.Query(tenant.Id, 1, 20, null, null, null);

        cache.Store(query, StaleAnswer(tenant.Id, cache.Version(tenant.Id)));
        (await NamesAsync(tenant)).ShouldBe(["Kept answer"]);
        cache.Invalidate(tenant.Id);
        (await NamesAsync(tenant)).ShouldBeEmpty();

        var readUnder = cache.Version(tenant.Id);
        cache.Invalidate(tenant.Id); // a write commits while the list is being read
        cache.Store(query, StaleAnswer(tenant.Id, readUnder));

        (await NamesAsync(tenant)).ShouldBeEmpty();
    }

    private ListVoiceMessages.Answer StaleAnswer(string tenantId, long version)
    {
        var json = factory.Service<IOptions<HttpJsonOptions>>().Value.SerializerOptions;
        var envelope = Api.PageEnvelope(new[] { new { Name = "Kept answer" } }, new PageRequest(1, 20), 1, ListVoiceMessages.Answer.TimestampMarker);
        return new ListVoiceMessages.Answer(tenantId, version, JsonSerializer.SerializeToUtf8Bytes(envelope, json), json);
    }

    private static async Task<HttpResponseMessage> GetAsync(TestTenant tenant, string query, EntityTagHeaderValue? ifNoneMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/voice-messages" + query);
        if (ifNoneMatch is not null) request.Headers.IfNoneMatch.Add(ifNoneMatch);
        return await tenant.Client().SendAsync(request);
    }

    private static async Task<JsonElement> PageAsync(TestTenant tenant, string query = "")
    {
        var body = await (await tenant.Client().GetAsync("/api/voice-messages" + query)).JsonAsync();
        body.GetProperty("success").GetBoolean().ShouldBeTrue();
        return body;
    }

    private static async Task<string?[]> NamesAsync(TestTenant tenant, string query = "") =>
        (await PageAsync(tenant, query)).GetProperty("data").EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToArray();

    private static string WithoutTimestamp(string json) => Timestamp().Replace(json, "\"timestamp\":\"…\"");

    [GeneratedRegex("\"timestamp\":\"[^\"]+\"")]
    private static partial Regex Timestamp();
}

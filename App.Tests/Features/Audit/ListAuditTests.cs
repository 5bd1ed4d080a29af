using App.Tests.Features.Users;
using App.Tests.Support;
using Dapper;

namespace App.Tests.Features.Audit;

public sealed class ListAuditTests(AuthAppFactory factory) : IClassFixture<AuthAppFactory>
{
    private static async Task<long> CreateVoiceMessageAsync(HttpClient client, string name) =>
        (await (await client.PostJsonAsync("/api/voice-messages", new { name, voice_text = "Hi." })).ShouldBeSuccessAsync(201)).GetProperty("id").GetInt64();

    [Fact]
    public async Task The_trail_is_newest_first_paginated_and_filtered_by_actor_action_entity_and_date()
    {
        var tenant = await factory.CreateTenantAsync();
        var user = await tenant.CreateUserAsync("filterer", ["manage_voice_messages"]);
        var first = await CreateVoiceMessageAsync(tenant.Client(), "One");
        var second = await CreateVoiceMessageAsync(await user.SignedInClientAsync(), "Two");
        await tenant.Client().DeleteAsync($"/api/voice-messages/{first}");

        var page = await (await tenant.Client().GetAsync("/api/audit?per_page=2")).JsonAsync();
        page.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("action").GetString()).ShouldBe(["voice_messages.delete", "voice_messages.create"]);
        page.GetProperty("pagination").GetProperty("has_next").GetBoolean().ShouldBeTrue();

        var byActor = await (await tenant.Client().GetAsync("/api/audit?actor=FILTER")).ShouldBeSuccessAsync();
        byActor.EnumerateArray().Select(r => r.GetProperty("entity_id").GetString()).ShouldContain(second.ToString());
        byActor.EnumerateArray().ShouldAllBe(r => r.GetProperty("actor").GetString() == "filterer");

        var byActionPrefix = await (await tenant.Client().GetAsync("/api/audit?action=voice_messages")).ShouldBeSuccessAsync();
        byActionPrefix.GetArrayLength().ShouldBe(3);
        (await (await tenant.Client().GetAsync("/api/audit?action=voice_messages.delete")).ShouldBeSuccessAsync()).GetArrayLength().ShouldBe(1);

        var byEntity = await (await tenant.Client().GetAsync($"/api/audit?entity=voice_message:{first}")).ShouldBeSuccessAsync();
        byEntity.EnumerateArray().Select(r => r.GetProperty("action").GetString()).ShouldBe(["voice_messages.delete", "voice_messages.create"]);
        (await (await tenant.Client().GetAsync("/api/audit?entity=voice_message")).ShouldBeSuccessAsync()).GetArrayLength().ShouldBe(3);

        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        (await (await tenant.Client().GetAsync($"/api/audit?date_from={today}&date_to={today}&action=voice_messages")).ShouldBeSuccessAsync()).GetArrayLength().ShouldBe(3);
        (await (await tenant.Client().GetAsync("/api/audit?date_to=2001-01-01")).ShouldBeSuccessAsync()).GetArrayLength().ShouldBe(0);
        await (await tenant.Client().GetAsync("/api/audit?date_from=yesterday")).ShouldBeErrorAsync(400, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task One_tenants_trail_is_never_visible_to_another()
    {
        var a = await factory.CreateTenantAsync();
        var b = await factory.CreateTenantAsync();
        await CreateVoiceMessageAsync(a.Client(), "Secret plans");
        var rowOfA = (await factory.AuditRowsAsync(a.Id)).First().Id;

        var seenByB = await (await b.Client().GetAsync("/api/audit?per_page=200")).ShouldBeSuccessAsync();

        seenByB.EnumerateArray().Select(r => r.GetProperty("id").GetInt64()).ShouldNotContain(rowOfA);
        await (await b.Client().GetAsync($"/api/audit/{rowOfA}")).ShouldBeErrorAsync(404, "NOT_FOUND");
        (await (await a.Client().GetAsync($"/api/audit/{rowOfA}")).ShouldBeSuccessAsync()).GetProperty("id").GetInt64().ShouldBe(rowOfA);
    }

    [Fact]
    public async Task Audit_rows_cannot_be_changed_or_deleted_through_the_API_or_in_the_database()
    {
        var tenant = await factory.CreateTenantAsync();
        await CreateVoiceMessageAsync(tenant.Client(), "Keep me");
        var id = (await factory.AuditRowsAsync(tenant.Id)).First().Id;

        await (await tenant.Client().DeleteAsync($"/api/audit/{id}")).ShouldBeErrorAsync(405, "METHOD_NOT_ALLOWED");
        await (await tenant.Client().PutJsonAsync($"/api/audit/{id}", new { action = "nothing" })).ShouldBeErrorAsync(405, "METHOD_NOT_ALLOWED");
        await (await tenant.Client().DeleteAsync("/api/audit")).ShouldBeErrorAsync(405, "METHOD_NOT_ALLOWED");

        await using var connection = await factory.Db.OpenAsync();
        await Should.ThrowAsync<Microsoft.Data.Sqlite.SqliteException>(() => connection.ExecuteAsync("UPDATE audit_log SET action = 'x' WHERE id = @id", new { id }));
        await Should.ThrowAsync<Microsoft.Data.Sqlite.SqliteException>(() => connection.ExecuteAsync("DELETE FROM audit_log WHERE id = @id", new { id }));
        (await factory.AuditRowsAsync(tenant.Id)).ShouldContain(r => r.Id == id && r.Action == "voice_messages.create");
    }
}

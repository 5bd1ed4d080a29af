using App.Tests.Support;

namespace App.Tests.Features.VoiceMessages;

/// <summary>Another tenant's voice message answers 404 on every route, exactly as a missing one (see docs/decisions.md, "API contract"), and stays untouched.</summary>
public sealed class CrossTenantVoiceMessageTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Every_route_with_another_tenant_id_is_404_and_changes_nothing()
    {
        var owner = await factory.CreateTenantAsync();
        var intruder = await factory.CreateTenantAsync();
        var id = await owner.Client().CreateIdAsync(VoiceMessageTestData.Body("Private"));
        var client = intruder.Client();

        await (await client.GetAsync($"/api/voice-messages/{id}")).ShouldBeErrorAsync(404, "NOT_FOUND");
        await (await client.PutJsonAsync($"/api/voice-messages/{id}", VoiceMessageTestData.Body("Hijacked"))).ShouldBeErrorAsync(404, "NOT_FOUND");
        await (await client.DeleteAsync($"/api/voice-messages/{id}")).ShouldBeErrorAsync(404, "NOT_FOUND");
        await (await client.PostAsync($"/api/voice-messages/{id}/duplicate", null)).ShouldBeErrorAsync(404, "NOT_FOUND");
        await (await client.GetAsync($"/api/voice-messages/{id}/preview?first_name=x")).ShouldBeErrorAsync(404, "NOT_FOUND");

        var row = (await factory.RowAsync(id))!;
        (row.Name, row.TenantId).ShouldBe(("Private", owner.Id));
        await using var connection = await factory.Db.OpenAsync();
        (await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT COUNT(*) FROM voice_messages WHERE tenant_id = @id", new { id = intruder.Id }))
            .ShouldBe(0);
    }

    [Fact]
    public async Task The_answers_for_another_tenant_id_and_a_missing_id_are_the_same()
    {
        var owner = await factory.CreateTenantAsync();
        var intruder = await factory.CreateTenantAsync();
        var id = await owner.Client().CreateIdAsync(VoiceMessageTestData.Body("Private"));

        var foreign = await (await intruder.Client().GetAsync($"/api/voice-messages/{id}")).ShouldBeErrorAsync(404, "NOT_FOUND");
        var missing = await (await intruder.Client().GetAsync("/api/voice-messages/99999999")).ShouldBeErrorAsync(404, "NOT_FOUND");

        foreign.GetProperty("message").GetString().ShouldBe(missing.GetProperty("message").GetString());
    }

    [Fact]
    public async Task The_call_seam_does_not_find_another_tenant_message()
    {
        var owner = await factory.CreateTenantAsync();
        var intruder = await factory.CreateTenantAsync();
        var id = await owner.Client().CreateIdAsync(VoiceMessageTestData.Body("Private"));

        await using var connection = await factory.Db.OpenAsync();
        (await App.Features.VoiceMessages.VoiceScript.FindAsync(connection, intruder.Id, id)).ShouldBeNull();
        (await App.Features.VoiceMessages.VoiceScript.FindAsync(connection, owner.Id, id)).ShouldNotBeNull();
    }
}

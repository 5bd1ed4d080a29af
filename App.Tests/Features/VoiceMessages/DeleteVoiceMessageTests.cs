using App.Tests.Support;

namespace App.Tests.Features.VoiceMessages;

public sealed class DeleteVoiceMessageTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task A_deleted_voice_message_is_gone()
    {
        var tenant = await factory.CreateTenantAsync();
        var id = await tenant.Client().CreateIdAsync(VoiceMessageTestData.Body());

        var data = await (await tenant.Client().DeleteAsync($"/api/voice-messages/{id}")).ShouldBeSuccessAsync();

        data.GetProperty("id").GetInt64().ShouldBe(id);
        data.GetProperty("deleted").GetBoolean().ShouldBeTrue();
        (await factory.RowAsync(id)).ShouldBeNull();
        await (await tenant.Client().GetAsync($"/api/voice-messages/{id}")).ShouldBeErrorAsync(404, "NOT_FOUND");
        await (await tenant.Client().DeleteAsync($"/api/voice-messages/{id}")).ShouldBeErrorAsync(404, "NOT_FOUND");
    }

    [Fact]
    public async Task Its_name_can_be_used_again_after_deletion()
    {
        var tenant = await factory.CreateTenantAsync();
        var id = await tenant.Client().CreateIdAsync(VoiceMessageTestData.Body("Reusable"));
        await (await tenant.Client().DeleteAsync($"/api/voice-messages/{id}")).ShouldBeSuccessAsync();

        await tenant.Client().CreateAsync(VoiceMessageTestData.Body("Reusable"));
    }
}

using App.Tests.Support;

namespace App.Tests.Features.VoiceMessages;

public sealed class GetVoiceMessageTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task A_voice_message_is_read_back_with_its_variables()
    {
        var tenant = await factory.CreateTenantAsync();
        var id = await tenant.Client().CreateIdAsync(VoiceMessageTestData.Body("Greeting", "Hi {{ Name }}, {{name}} again and {{code}}."));

        var data = await (await tenant.Client().GetAsync($"/api/voice-messages/{id}")).ShouldBeSuccessAsync();

        data.GetProperty("id").GetInt64().ShouldBe(id);
        data.GetProperty("name").GetString().ShouldBe("Greeting");
        data.GetProperty("voice_text").GetString().ShouldBe("Hi {{ Name }}, {{name}} again and {{code}}.");
        data.GetProperty("variables").Strings().ShouldBe(["Name", "code"]);
        foreach (var property in new[] { "voice", "language", "voice_rate", "voice_gender", "voice_age", "tropo_voice", "voice_type",
                     "voice_file_id", "play_position", "is_active", "created_at", "updated_at" })
        {
            data.TryGetProperty(property, out _).ShouldBeTrue(property);
        }
    }

    [Fact]
    public async Task A_missing_id_is_404_NOT_FOUND()
    {
        var tenant = await factory.CreateTenantAsync();

        var error = await (await tenant.Client().GetAsync("/api/voice-messages/999999")).ShouldBeErrorAsync(404, "NOT_FOUND");

        error.GetProperty("message").GetString()!.ShouldContain("voice message");
    }

    [Fact]
    public async Task A_non_numeric_id_is_400_BAD_REQUEST()
    {
        var tenant = await factory.CreateTenantAsync();

        await (await tenant.Client().GetAsync("/api/voice-messages/abc")).ShouldBeErrorAsync(400, "BAD_REQUEST");
    }

    [Fact]
    public async Task Without_a_key_the_voice_messages_are_401()
    {
        await (await factory.CreateClient().GetAsync("/api/voice-messages")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
    }
}

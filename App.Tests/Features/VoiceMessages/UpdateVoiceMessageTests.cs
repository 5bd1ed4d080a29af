using App.Tests.Support;

namespace App.Tests.Features.VoiceMessages;

public sealed class UpdateVoiceMessageTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task An_update_replaces_the_template_and_is_stored()
    {
        var tenant = await factory.CreateTenantAsync();
        var created = await tenant.Client().CreateAsync(VoiceMessageTestData.Body("Reminder").With("voice_rate", "fast"));
        var id = created.GetProperty("id").GetInt64();
        var fileId = await factory.InsertFileAsync(tenant.Id);

        var data = await (await tenant.Client().PutJsonAsync($"/api/voice-messages/{id}", VoiceMessageTestData.Body("Reminder v2", "Bye {{first_name}}")
            .With("voice", "Polly.Lea").With("voice_type", "alert").With("voice_file_id", fileId).With("play_position", "after")
            .With("is_active", false))).ShouldBeSuccessAsync();

        data.GetProperty("id").GetInt64().ShouldBe(id);
        data.GetProperty("name").GetString().ShouldBe("Reminder v2");
        data.GetProperty("language").GetString().ShouldBe("fr-FR");
        data.GetProperty("voice_rate").GetString().ShouldBe("medium");
        data.GetProperty("variables").Strings().ShouldBe(["first_name"]);
        data.GetProperty("created_at").GetString().ShouldBe(created.GetProperty("created_at").GetString());
        var row = (await factory.RowAsync(id))!;
        (row.Name, row.VoiceText, row.Voice, row.Language, row.VoiceType).ShouldBe(("Reminder v2", "Bye {{first_name}}", "Polly.Lea", "fr-FR", "alert"));
        (row.VoiceFileId, row.PlayPosition, row.IsActive).ShouldBe((fileId, "after", false));
    }

    [Fact]
    public async Task Keeping_the_own_name_with_another_case_is_fine()
    {
        var tenant = await factory.CreateTenantAsync();
        var id = await tenant.Client().CreateIdAsync(VoiceMessageTestData.Body("Reminder"));

        var data = await (await tenant.Client().PutJsonAsync($"/api/voice-messages/{id}", VoiceMessageTestData.Body("REMINDER"))).ShouldBeSuccessAsync();

        data.GetProperty("name").GetString().ShouldBe("REMINDER");
    }

    [Fact]
    public async Task Renaming_to_another_message_name_is_409_and_changes_nothing()
    {
        var tenant = await factory.CreateTenantAsync();
        await tenant.Client().CreateIdAsync(VoiceMessageTestData.Body("Taken"));
        var id = await tenant.Client().CreateIdAsync(VoiceMessageTestData.Body("Mine"));

        var error = await (await tenant.Client().PutJsonAsync($"/api/voice-messages/{id}", VoiceMessageTestData.Body("taken")))
            .ShouldBeErrorAsync(409, "CONFLICT");

        error.Details("name").ShouldHaveSingleItem();
        (await factory.RowAsync(id))!.Name.ShouldBe("Mine");
    }

    [Fact]
    public async Task An_invalid_body_is_400_and_changes_nothing()
    {
        var tenant = await factory.CreateTenantAsync();
        var id = await tenant.Client().CreateIdAsync(VoiceMessageTestData.Body("Mine"));

        var error = await (await tenant.Client().PutJsonAsync($"/api/voice-messages/{id}", VoiceMessageTestData.Body("Mine").With("voice", "alice")))
            .ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        error.Details("voice").ShouldHaveSingleItem();
        (await factory.RowAsync(id))!.Voice.ShouldBe("Polly.Joanna-Neural");
    }

    [Fact]
    public async Task Updating_a_missing_id_is_404()
    {
        var tenant = await factory.CreateTenantAsync();

        await (await tenant.Client().PutJsonAsync("/api/voice-messages/424242", VoiceMessageTestData.Body())).ShouldBeErrorAsync(404, "NOT_FOUND");
    }
}

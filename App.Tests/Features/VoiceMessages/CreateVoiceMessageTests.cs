using App.Tests.Support;

namespace App.Tests.Features.VoiceMessages;

public sealed class CreateVoiceMessageTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task A_created_voice_message_is_answered_201_and_stored_for_the_tenant()
    {
        var tenant = await factory.CreateTenantAsync();

        var response = await tenant.Client().PostJsonAsync("/api/voice-messages", VoiceMessageTestData.Body("Reminder")
            .With("voice", "Polly.Amy-Neural").With("language", "en-GB").With("voice_rate", "slow").With("voice_type", "reminder")
            .With("voice_settings", new { pitch = "low" }));

        var data = await response.ShouldBeSuccessAsync(201);
        var id = data.GetProperty("id").GetInt64();
        response.Headers.Location!.ToString().ShouldBe($"/api/voice-messages/{id}");
        data.GetProperty("name").GetString().ShouldBe("Reminder");
        data.GetProperty("voice").GetString().ShouldBe("Polly.Amy-Neural");
        data.GetProperty("language").GetString().ShouldBe("en-GB");
        data.GetProperty("voice_rate").GetString().ShouldBe("slow");
        data.GetProperty("voice_type").GetString().ShouldBe("reminder");
        data.GetProperty("voice_settings").GetProperty("pitch").GetString().ShouldBe("low");
        data.GetProperty("is_active").GetBoolean().ShouldBeTrue();
        data.GetProperty("variables").Strings().ShouldBe(["first_name", "time"]);
        data.GetProperty("voice_file_id").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        data.GetProperty("play_position").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        data.GetProperty("created_at").GetString()!.ShouldEndWith("Z");

        var row = (await factory.RowAsync(id))!;
        row.TenantId.ShouldBe(tenant.Id);
        row.Name.ShouldBe("Reminder");
        row.VoiceText.ShouldBe("Hello {{first_name}}, see you at {{time}}.");
        (row.Voice, row.Language, row.VoiceRate, row.VoiceType).ShouldBe(("Polly.Amy-Neural", "en-GB", "slow", "reminder"));
        row.VoiceSettings.ShouldBe("""{"pitch":"low"}""");
        row.IsActive.ShouldBeTrue();
    }

    [Fact]
    public async Task Without_a_voice_the_language_default_voice_is_chosen()
    {
        var tenant = await factory.CreateTenantAsync();

        var plain = await tenant.Client().CreateAsync(VoiceMessageTestData.Body("Plain"));
        var french = await tenant.Client().CreateAsync(VoiceMessageTestData.Body("French").With("language", "fr-FR"));

        plain.GetProperty("voice").GetString().ShouldBe("Polly.Joanna-Neural");
        plain.GetProperty("language").GetString().ShouldBe("en-US");
        plain.GetProperty("voice_rate").GetString().ShouldBe("medium");
        plain.GetProperty("voice_type").GetString().ShouldBe("message");
        french.GetProperty("voice").GetString().ShouldBe("Polly.Lea-Neural");
    }

    [Theory]
    [InlineData("alice", null, null, "Polly.Joanna", "en-US", "medium")]
    [InlineData("man", null, "en-GB", "Polly.Brian", "en-GB", "medium")]
    [InlineData("woman", null, null, "Polly.Joanna", "en-US", "slow")]
    [InlineData(null, "Victor", null, "Polly.Joey", "en-US", "medium")]
    public async Task Legacy_voice_settings_are_mapped_to_a_current_voice(string? gender, string? tropo, string? language, string voice, string expectedLanguage, string rate)
    {
        var tenant = await factory.CreateTenantAsync();
        var body = VoiceMessageTestData.Body("Legacy").With("voice_gender", gender).With("tropo_voice", tropo).With("language", language);
        if (rate != "medium") body.With("voice_rate", rate);

        var data = await tenant.Client().CreateAsync(body);

        data.GetProperty("voice").GetString().ShouldBe(voice);
        data.GetProperty("language").GetString().ShouldBe(expectedLanguage);
        data.GetProperty("voice_rate").GetString().ShouldBe(rate);
        var row = (await factory.RowAsync(data.GetProperty("id").GetInt64()))!;
        row.Voice.ShouldBe(voice);
        row.VoiceGender.ShouldBe(gender);
        row.TropoVoice.ShouldBe(tropo);
    }

    [Fact]
    public async Task A_file_of_the_tenant_library_is_attached_and_plays_before_the_text_by_default()
    {
        var tenant = await factory.CreateTenantAsync();
        var fileId = await factory.InsertFileAsync(tenant.Id);

        var data = await tenant.Client().CreateAsync(VoiceMessageTestData.Body().With("voice_file_id", fileId));

        data.GetProperty("voice_file_id").GetInt64().ShouldBe(fileId);
        data.GetProperty("play_position").GetString().ShouldBe("before");
        var row = (await factory.RowAsync(data.GetProperty("id").GetInt64()))!;
        (row.VoiceFileId, row.PlayPosition).ShouldBe((fileId, "before"));
    }

    [Fact]
    public async Task A_play_position_without_a_file_is_stored_as_null()
    {
        var tenant = await factory.CreateTenantAsync();

        var data = await tenant.Client().CreateAsync(VoiceMessageTestData.Body().With("play_position", "after"));

        data.GetProperty("play_position").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        (await factory.RowAsync(data.GetProperty("id").GetInt64()))!.PlayPosition.ShouldBeNull();
    }

    [Fact]
    public async Task A_name_already_used_by_the_tenant_ignoring_case_is_409_CONFLICT()
    {
        var tenant = await factory.CreateTenantAsync();
        await tenant.Client().CreateAsync(VoiceMessageTestData.Body("Reminder"));

        var error = await (await tenant.Client().PostJsonAsync("/api/voice-messages", VoiceMessageTestData.Body("  REMINDER ")))
            .ShouldBeErrorAsync(409, "CONFLICT");

        error.Details("name").ShouldHaveSingleItem().ShouldContain("REMINDER");
        await using var connection = await factory.Db.OpenAsync();
        (await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT COUNT(*) FROM voice_messages WHERE tenant_id = @id", new { id = tenant.Id })).ShouldBe(1);
    }

    [Fact]
    public async Task The_same_name_in_another_tenant_is_fine()
    {
        var one = await factory.CreateTenantAsync();
        var two = await factory.CreateTenantAsync();
        var first = await one.Client().CreateAsync(VoiceMessageTestData.Body("Reminder"));

        var response = await two.Client().PostJsonAsync("/api/voice-messages", VoiceMessageTestData.Body("Reminder"));

        var second = await response.ShouldBeSuccessAsync(201);
        second.GetProperty("name").GetString().ShouldBe("Reminder");
        second.GetProperty("id").GetInt64().ShouldNotBe(first.GetProperty("id").GetInt64());
        await (await one.Client().PostJsonAsync("/api/voice-messages", VoiceMessageTestData.Body("Reminder"))).ShouldBeErrorAsync(409, "CONFLICT");
    }

    [Fact]
    public async Task Creating_needs_no_more_than_the_JSON_body_a_Delphi_client_sends()
    {
        var tenant = await factory.CreateTenantAsync();
        var content = new StringContent("""{"name":"Raw","voice_text":"Hi","voice_age":"30","is_active":false}""", System.Text.Encoding.UTF8, "application/json");

        var data = await (await tenant.Client().PostAsync("/api/voice-messages", content)).ShouldBeSuccessAsync(201);

        data.GetProperty("voice_age").GetInt32().ShouldBe(30);
        data.GetProperty("is_active").GetBoolean().ShouldBeFalse();
    }
}

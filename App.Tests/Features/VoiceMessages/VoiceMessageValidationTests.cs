using App.Tests.Support;

namespace App.Tests.Features.VoiceMessages;

/// <summary>Every refusal of a create (and the same body on update) names the failing field in <c>details</c>.</summary>
public sealed class VoiceMessageValidationTests(AppFactory factory) : IClassFixture<AppFactory>
{
    public static TheoryData<string, string, object?, string> Invalid => new()
    {
        // case, field to set, value, field named in details (and its message fragment after '|')
        { "empty name", "name", "", "name|required" },
        { "blank name", "name", "   ", "name|required" },
        { "long name", "name", new string('n', 101), "name|100" },
        { "empty text", "voice_text", "", "voice_text|required" },
        { "text over the Polly limit", "voice_text", new string('a', 3001), "voice_text|3,000" },
        { "unknown voice", "voice", "Polly.Nobody", "voice|Unknown voice" },
        { "wrong case voice", "voice", "polly.joanna", "voice|Polly.Joanna" },
        { "retired alice", "voice", "alice", "voice|voice_gender" },
        { "language the voice does not speak", "language", "fr-FR", "language|does not speak fr-FR" },
        { "unknown language", "language", "xx-YY", "language|Unknown language" },
        { "bad rate", "voice_rate", "very-fast", "voice_rate|very-fast" },
        { "rate out of range", "voice_rate", "500%", "voice_rate|20%" },
        { "bad type", "voice_type", "promo", "voice_type|message, reminder, alert" },
        { "malformed placeholder", "voice_text", "Hello {{first name}}", "voice_text|'{{first name}}'" },
        { "bad play position", "play_position", "middle", "play_position|before, after, instead" },
        { "bad legacy gender", "voice_gender", "robot", "voice_gender|alice, man or woman" },
        { "bad tropo voice", "tropo_voice", "Bob", "tropo_voice|Allison" },
        { "voice settings not an object", "voice_settings", "loud", "voice_settings|object" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task An_invalid_field_is_400_VALIDATION_ERROR_naming_it(string @case, string field, object? value, string expected)
    {
        var tenant = await factory.CreateTenantAsync();
        var body = VoiceMessageTestData.Body().With("voice", field == "language" && value is "fr-FR" ? "Polly.Joanna" : null).With(field, value);
        var (detailsField, fragment) = (expected.Split('|')[0], expected.Split('|')[1]);

        var error = await (await tenant.Client().PostJsonAsync("/api/voice-messages", body)).ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        error.Details(detailsField).ShouldContain(m => m.Contains(fragment), @case + ": " + error);
        await AssertNothingStoredAsync(tenant);
    }

    [Fact]
    public async Task Each_malformed_placeholder_gets_its_own_message()
    {
        var tenant = await factory.CreateTenantAsync();

        var error = await (await tenant.Client().PostJsonAsync("/api/voice-messages",
            VoiceMessageTestData.Body(text: "Hi {{first name}}, code {{1st}}, ok {{fine}}"))).ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        var messages = error.Details("voice_text");
        messages.Length.ShouldBe(2);
        messages[0].ShouldContain("{{first name}}");
        messages[1].ShouldContain("{{1st}}");
    }

    [Fact]
    public async Task Several_invalid_fields_are_all_reported()
    {
        var tenant = await factory.CreateTenantAsync();

        var error = await (await tenant.Client().PostJsonAsync("/api/voice-messages",
            new Dictionary<string, object?> { ["name"] = "", ["voice_text"] = "", ["voice_type"] = "x" })).ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        var details = error.GetProperty("details");
        details.TryGetProperty("name", out _).ShouldBeTrue();
        details.TryGetProperty("voice_text", out _).ShouldBeTrue();
        details.TryGetProperty("voice_type", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Google_voices_allow_5000_characters_and_basic_voices_4000()
    {
        var tenant = await factory.CreateTenantAsync();

        await tenant.Client().CreateAsync(VoiceMessageTestData.Body("Google", new string('a', 4500)).With("voice", "Google.en-US-Standard-C"));
        await tenant.Client().CreateAsync(VoiceMessageTestData.Body("Basic", new string('a', 3500)).With("voice", "woman"));
        var error = await (await tenant.Client().PostJsonAsync("/api/voice-messages",
            VoiceMessageTestData.Body("Basic long", new string('a', 4001)).With("voice", "man"))).ShouldBeErrorAsync(400, "VALIDATION_ERROR");
        error.Details("voice_text").ShouldHaveSingleItem().ShouldContain("4,000");
    }

    [Fact]
    public async Task Google_counts_the_prosody_markup_and_escapes_toward_its_limit()
    {
        var tenant = await factory.CreateTenantAsync();
        var text = new string('a', 4966) + "&"; // 4,967 characters, 4,971 with the escape, 5,002 with prosody markup

        await tenant.Client().CreateAsync(VoiceMessageTestData.Body("Fits", text).With("voice", "Google.en-US-Standard-C"));
        var error = await (await tenant.Client().PostJsonAsync("/api/voice-messages",
            VoiceMessageTestData.Body("Too long", text).With("voice", "Google.en-US-Standard-C").With("voice_rate", "slow")))
            .ShouldBeErrorAsync(400, "VALIDATION_ERROR");
        error.Details("voice_text").ShouldHaveSingleItem().ShouldContain("5,000");
    }

    [Fact]
    public async Task A_file_of_another_tenant_is_refused_on_voice_file_id()
    {
        var tenant = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync();
        var foreignFile = await factory.InsertFileAsync(other.Id);

        var error = await (await tenant.Client().PostJsonAsync("/api/voice-messages", VoiceMessageTestData.Body().With("voice_file_id", foreignFile)))
            .ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        error.Details("voice_file_id").ShouldHaveSingleItem().ShouldContain(foreignFile.ToString());
        await AssertNothingStoredAsync(tenant);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_missing_or_inactive_file_is_refused_on_voice_file_id(bool inactive)
    {
        var tenant = await factory.CreateTenantAsync();
        var fileId = inactive ? await factory.InsertFileAsync(tenant.Id, active: false) : 987_654;

        var error = await (await tenant.Client().PostJsonAsync("/api/voice-messages", VoiceMessageTestData.Body().With("voice_file_id", fileId)))
            .ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        error.Details("voice_file_id").ShouldHaveSingleItem();
        await AssertNothingStoredAsync(tenant);
    }

    [Fact]
    public async Task A_legacy_language_without_a_mapped_voice_is_refused()
    {
        var tenant = await factory.CreateTenantAsync();

        var error = await (await tenant.Client().PostJsonAsync("/api/voice-messages",
            VoiceMessageTestData.Body().With("voice_gender", "woman").With("language", "en-IN"))).ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        error.Details("language").ShouldHaveSingleItem().ShouldContain("en-IN");
    }

    private async Task AssertNothingStoredAsync(TestTenant tenant)
    {
        await using var connection = await factory.Db.OpenAsync();
        (await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT COUNT(*) FROM voice_messages WHERE tenant_id = @id", new { id = tenant.Id }))
            .ShouldBe(0);
    }
}

using App.Tests.Support;

namespace App.Tests.Features.VoiceMessages;

public sealed class GetVoiceOptionsTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task The_options_list_voices_rates_languages_types_and_the_legacy_mapping()
    {
        var tenant = await factory.CreateTenantAsync();

        var data = await (await tenant.Client().GetAsync("/api/voice-messages/options")).ShouldBeSuccessAsync();

        var voices = data.GetProperty("voices").EnumerateArray().ToList();
        var joanna = voices.Single(v => v.GetProperty("name").GetString() == "Polly.Joanna-Neural");
        joanna.GetProperty("language").GetString().ShouldBe("en-US");
        joanna.GetProperty("provider").GetString().ShouldBe("polly");
        joanna.GetProperty("supports_ssml").GetBoolean().ShouldBeTrue();
        joanna.GetProperty("max_say_length").GetInt32().ShouldBe(3000);
        var man = voices.Single(v => v.GetProperty("name").GetString() == "man");
        man.GetProperty("supports_ssml").GetBoolean().ShouldBeFalse();
        man.GetProperty("max_say_length").GetInt32().ShouldBe(4000);
        voices.ShouldNotContain(v => v.GetProperty("name").GetString() == "alice");
        data.GetProperty("rates").Strings().ShouldBe(["x-slow", "slow", "medium", "fast", "x-fast"]);
        data.GetProperty("languages").Strings().ShouldContain("fr-FR");
        data.GetProperty("types").Strings().ShouldBe(["message", "reminder", "alert"]);
        var mapping = data.GetProperty("legacy_mapping").EnumerateArray().ToList();
        mapping.ShouldContain(m => m.GetProperty("voice_gender").GetString() == "alice" && m.GetProperty("language").GetString() == "en-US"
                                   && m.GetProperty("voice").GetString() == "Polly.Joanna");
        mapping.ShouldContain(m => m.GetProperty("tropo_voice").GetString() == "Victor" && m.GetProperty("voice").GetString() == "Polly.Joey");
    }
}

using System.Text.Json;
using System.Xml.Linq;
using App.Tests.Support;
using App.Twilio;

namespace App.Tests.Features.VoiceMessages;

public sealed class PreviewVoiceMessageTests(VoiceFileUrlsFactory factory) : IClassFixture<VoiceFileUrlsFactory>
{
    [Fact]
    public async Task The_preview_is_the_TwiML_a_call_uses_with_voice_and_language_and_no_rate_attribute()
    {
        var tenant = await factory.CreateTenantAsync();
        var id = await tenant.Client().CreateIdAsync(VoiceMessageTestData.Body(text: "Hello {{first_name}}, see you at {{time}}.")
            .With("voice", "Polly.Amy").With("language", "en-GB"));

        var data = await (await tenant.Client().GetAsync($"/api/voice-messages/{id}/preview?first_name=Ann&time=10am")).ShouldBeSuccessAsync();

        data.GetProperty("variables").Strings().ShouldBe(["first_name", "time"]);
        data.GetProperty("missing").GetArrayLength().ShouldBe(0);
        var say = Parse(data).Element("Say")!;
        say.Attribute("voice")!.Value.ShouldBe("Polly.Amy");
        say.Attribute("language")!.Value.ShouldBe("en-GB");
        say.Attribute("rate").ShouldBeNull();
        say.Elements().ShouldBeEmpty();
        say.Value.ShouldBe("Hello Ann, see you at 10am.");
    }

    [Fact]
    public async Task A_slow_rate_wraps_the_text_in_prosody_and_a_value_with_markup_stays_text()
    {
        var tenant = await factory.CreateTenantAsync();
        var id = await tenant.Client().CreateIdAsync(VoiceMessageTestData.Body(text: "Hi {{first_name}}").With("voice_rate", "slow"));

        var data = await (await tenant.Client().GetAsync(
            $"/api/voice-messages/{id}/preview?first_name={Uri.EscapeDataString("<b>&\"x\"")}")).ShouldBeSuccessAsync();

        var twiml = data.GetProperty("twiml").GetString()!;
        twiml.ShouldContain("Hi &lt;b&gt;&amp;\"x\"");
        var say = Parse(data).Element("Say")!;
        var prosody = say.Elements().ShouldHaveSingleItem();
        prosody.Name.LocalName.ShouldBe("prosody");
        prosody.Attribute("rate")!.Value.ShouldBe("slow");
        prosody.Elements().ShouldBeEmpty();
        prosody.Value.ShouldBe("Hi <b>&\"x\"");
    }

    [Fact]
    public async Task With_a_missing_variable_there_is_no_TwiML_and_the_missing_names_are_listed()
    {
        var tenant = await factory.CreateTenantAsync();
        var id = await tenant.Client().CreateIdAsync(VoiceMessageTestData.Body(text: "Hello {{first_name}}, see you at {{time}}."));

        var data = await (await tenant.Client().GetAsync($"/api/voice-messages/{id}/preview?FIRST_NAME=Ann")).ShouldBeSuccessAsync();

        data.GetProperty("twiml").ValueKind.ShouldBe(JsonValueKind.Null);
        data.GetProperty("variables").Strings().ShouldBe(["first_name", "time"]);
        data.GetProperty("missing").Strings().ShouldBe(["time"]);
    }

    [Fact]
    public async Task The_api_key_in_the_query_is_not_a_variable()
    {
        var tenant = await factory.CreateTenantAsync();
        var id = await tenant.Client().CreateIdAsync(VoiceMessageTestData.Body(text: "Key {{apiKey}}"));

        var data = await (await factory.CreateClient().GetAsync($"/api/voice-messages/{id}/preview?apiKey={Uri.EscapeDataString(tenant.ApiKey)}"))
            .ShouldBeSuccessAsync();

        data.GetProperty("missing").Strings().ShouldBe(["apiKey"]);
        data.GetProperty("twiml").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Theory]
    [InlineData("before", new[] { "Play", "Say" })]
    [InlineData("after", new[] { "Say", "Play" })]
    [InlineData("instead", new[] { "Play" })]
    public async Task A_library_file_plays_at_its_position(string position, string[] verbs)
    {
        var tenant = await factory.CreateTenantAsync();
        var fileId = await factory.InsertFileAsync(tenant.Id);
        factory.Urls.Add(tenant.Id, fileId, $"https://example.test/files/{fileId}.mp3?sig=a&b=1");
        var id = await tenant.Client().CreateIdAsync(VoiceMessageTestData.Body(text: "Hi").With("voice_file_id", fileId).With("play_position", position));

        var data = await (await tenant.Client().GetAsync($"/api/voice-messages/{id}/preview")).ShouldBeSuccessAsync();

        var root = Parse(data);
        root.Elements().Select(e => e.Name.LocalName).ShouldBe(verbs);
        root.Element("Play")!.Value.ShouldBe($"https://example.test/files/{fileId}.mp3?sig=a&b=1");
        data.GetProperty("warnings").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_file_without_a_play_URL_is_left_out_with_a_warning()
    {
        var tenant = await factory.CreateTenantAsync();
        var fileId = await factory.InsertFileAsync(tenant.Id);
        var id = await tenant.Client().CreateIdAsync(VoiceMessageTestData.Body(text: "Hi").With("voice_file_id", fileId).With("play_position", "instead"));

        var data = await (await tenant.Client().GetAsync($"/api/voice-messages/{id}/preview")).ShouldBeSuccessAsync();

        Parse(data).Elements().Select(e => e.Name.LocalName).ShouldBe(["Say"]);
        data.GetProperty("warnings").Strings().ShouldHaveSingleItem().ShouldContain($"{fileId} is not available");
    }

    [Fact]
    public async Task A_basic_voice_gets_no_SSML_and_a_warning_about_its_rate()
    {
        var tenant = await factory.CreateTenantAsync();
        var id = await tenant.Client().CreateIdAsync(VoiceMessageTestData.Body(text: "Hi").With("voice", "man").With("voice_rate", "fast"));

        var data = await (await tenant.Client().GetAsync($"/api/voice-messages/{id}/preview")).ShouldBeSuccessAsync();

        var say = Parse(data).Element("Say")!;
        say.Attribute("voice")!.Value.ShouldBe("man");
        say.Elements().ShouldBeEmpty();
        data.GetProperty("warnings").Strings().ShouldHaveSingleItem().ShouldContain("fast");
    }

    [Fact]
    public async Task An_inactive_message_previews_with_a_warning()
    {
        var tenant = await factory.CreateTenantAsync();
        var id = await tenant.Client().CreateIdAsync(VoiceMessageTestData.Body(text: "Hi").With("is_active", false));

        var data = await (await tenant.Client().GetAsync($"/api/voice-messages/{id}/preview")).ShouldBeSuccessAsync();

        data.GetProperty("twiml").GetString().ShouldNotBeNull();
        data.GetProperty("warnings").Strings().ShouldHaveSingleItem().ShouldContain("inactive");
    }

    private static XElement Parse(JsonElement data)
    {
        var twiml = data.GetProperty("twiml").GetString()!;
        twiml.ShouldStartWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
        TwimlDocument.Validate(twiml, TwimlKind.Voice).ShouldBe(TwimlValidationResult.Valid);
        var root = XDocument.Parse(twiml).Root!;
        root.Name.LocalName.ShouldBe("Response");
        return root;
    }
}

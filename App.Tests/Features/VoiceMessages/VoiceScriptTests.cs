using System.Xml.Linq;
using App.Features.VoiceMessages;
using App.Tests.Support;
using App.Twilio;

namespace App.Tests.Features.VoiceMessages;

/// <summary>The seam the call feature renders through: what a call says, or why it must not be placed.</summary>
public sealed class VoiceScriptTests(AppFactory factory) : IClassFixture<AppFactory>
{
    private static readonly Dictionary<string, string> Ann = new() { ["first_name"] = "Ann" };

    [Fact]
    public void A_missing_variable_means_no_TwiML_and_names_the_variable()
    {
        var template = new VoiceScript.Template("Hi {{first_name}}, your code is {{code}}.", "Polly.Joanna", "en-US", "slow", null, null);

        var result = VoiceScript.Render(template, Ann, playUrl: null);

        result.Twiml.ShouldBeNull();
        result.IsSuccess.ShouldBeFalse();
        result.MissingVariables.ShouldBe(["code"]);
    }

    [Fact]
    public void A_complete_render_is_valid_TwiML_with_prosody_only_when_the_rate_is_not_medium()
    {
        var slow = VoiceScript.Render(new("Hi {{first_name}}", "Polly.Joanna", "en-US", "85%", null, null), Ann, null);
        var medium = VoiceScript.Render(new("Hi {{first_name}}", "Polly.Joanna", "en-US", "medium", null, null), Ann, null);

        Say(slow).Element("prosody")!.Attribute("rate")!.Value.ShouldBe("85%");
        Say(medium).Elements().ShouldBeEmpty();
        Say(medium).Value.ShouldBe("Hi Ann");
        slow.MissingVariables.ShouldBeEmpty();
    }

    [Fact]
    public void The_play_URL_is_used_only_when_the_template_has_a_file()
    {
        var withFile = VoiceScript.Render(new("Hi", "Polly.Joanna", "en-US", null, 7, "after"), Ann, "https://x.test/7.mp3");
        var withoutFile = VoiceScript.Render(new("Hi", "Polly.Joanna", "en-US", null, null, "after"), Ann, "https://x.test/7.mp3");

        XDocument.Parse(withFile.Twiml!).Root!.Elements().Select(e => e.Name.LocalName).ShouldBe(["Say", "Play"]);
        XDocument.Parse(withoutFile.Twiml!).Root!.Elements().Select(e => e.Name.LocalName).ShouldBe(["Say"]);
    }

    [Fact]
    public void Text_over_the_voice_limit_after_substitution_is_refused_with_a_problem()
    {
        var template = new VoiceScript.Template("{{first_name}}", "Polly.Joanna", "en-US", null, null, null);

        var result = VoiceScript.Render(template, new Dictionary<string, string> { ["first_name"] = new string('a', 3001) }, null);

        result.Twiml.ShouldBeNull();
        result.MissingVariables.ShouldBeEmpty();
        result.Problem!.ShouldContain("3,000");
    }

    [Fact]
    public void A_stored_retired_voice_is_a_problem_not_an_exception()
    {
        var result = VoiceScript.Render(new("Hi", "alice", "en-US", null, null, null), Ann, null);

        result.Twiml.ShouldBeNull();
        result.Problem.ShouldNotBeNull();
    }

    [Fact]
    public async Task FindAsync_returns_active_messages_of_the_tenant_only()
    {
        var tenant = await factory.CreateTenantAsync();
        var active = await tenant.Client().CreateIdAsync(VoiceMessageTestData.Body("Active", "Hi {{first_name}}").With("voice_rate", "fast"));
        var inactive = await tenant.Client().CreateIdAsync(VoiceMessageTestData.Body("Inactive").With("is_active", false));

        await using var connection = await factory.Db.OpenAsync();
        var template = await VoiceScript.FindAsync(connection, tenant.Id, active);
        (await VoiceScript.FindAsync(connection, tenant.Id, inactive)).ShouldBeNull();
        (await VoiceScript.FindAsync(connection, tenant.Id, 123_456)).ShouldBeNull();

        template.ShouldBe(new VoiceScript.Template("Hi {{first_name}}", "Polly.Joanna-Neural", "en-US", "fast", null, null));
        await using var transaction = connection.BeginTransaction();
        (await VoiceScript.FindAsync(connection, tenant.Id, active, transaction)).ShouldBe(template);
    }

    private static XElement Say(VoiceScript.Result result)
    {
        result.Twiml.ShouldNotBeNull();
        TwimlDocument.Validate(result.Twiml, TwimlKind.Voice).ShouldBe(TwimlValidationResult.Valid);
        var say = XDocument.Parse(result.Twiml).Root!.Element("Say")!;
        say.Attribute("rate").ShouldBeNull();
        return say;
    }
}

using System.Xml.Linq;
using App.Twilio;

namespace App.Tests.Twilio;

public class TemplateVariablesTests
{
    [Fact]
    public void Names_are_extracted_distinct_in_order_ignoring_case()
    {
        TemplateVariables.ExtractNames("Hi {{first_name}}, {{ Amount }} due {{FIRST_NAME}} {{\tdate\t}} [FirstName]")
            .ShouldBe(["first_name", "Amount", "date"]);
    }

    [Fact]
    public void Rendering_fills_placeholders_case_insensitively()
    {
        var result = TemplateVariables.Render(
            "Hi {{ first_name }}, you owe ${{Amount}}. Bye {{FIRST_NAME}}!",
            new Dictionary<string, string> { ["First_Name"] = "Zoë", ["amount"] = "12.50" });

        result.IsSuccess.ShouldBeTrue();
        result.Text.ShouldBe("Hi Zoë, you owe $12.50. Bye Zoë!");
        result.MissingNames.ShouldBeEmpty();
    }

    [Fact]
    public void An_exact_key_wins_over_a_case_insensitive_one()
    {
        var result = TemplateVariables.Render("{{Name}}", new Dictionary<string, string> { ["name"] = "lower", ["Name"] = "exact" });

        result.Text.ShouldBe("exact");
    }

    [Fact]
    public void Missing_values_refuse_the_render()
    {
        var result = TemplateVariables.Render("Hi {{first_name}} {{last_name}} {{First_Name}}", new Dictionary<string, string>());

        result.IsSuccess.ShouldBeFalse();
        result.Text.ShouldBeNull();
        result.MissingNames.ShouldBe(["first_name", "last_name"]);
    }

    [Fact]
    public void Legacy_bracket_syntax_is_left_alone()
    {
        var result = TemplateVariables.Render("Hi [FirstName] {{x}}", new Dictionary<string, string> { ["x"] = "1", ["FirstName"] = "Ann" });

        result.Text.ShouldBe("Hi [FirstName] 1");
    }

    [Theory]
    [InlineData("Hello {{}} there", new[] { "{{}}" })]
    [InlineData("{{first name}}", new[] { "{{first name}}" })]
    [InlineData("{{1st}} and {{ok}}", new[] { "{{1st}}" })]
    [InlineData("Hi {{x", new[] { "{{x" })]
    [InlineData("{{a-b}} {{x {{y}}", new[] { "{{a-b}}", "{{x " })]
    [InlineData("{{ first_name }} {{{x}}} ok {x} }}", new string[0])]
    [InlineData("no placeholders", new string[0])]
    public void Malformed_placeholders_are_reported(string template, string[] expected)
    {
        TemplateVariables.Validate(template).ShouldBe(expected);
    }

    [Fact]
    public void Malformed_placeholders_refuse_the_render()
    {
        var result = TemplateVariables.Render("Hi {{first name}}", new Dictionary<string, string> { ["first"] = "x" });

        result.IsSuccess.ShouldBeFalse();
        result.MalformedPlaceholders.ShouldBe(["{{first name}}"]);
    }

    [Fact]
    public void Values_are_inserted_once_as_plain_text()
    {
        var result = TemplateVariables.Render("{{a}} {{b}}", new Dictionary<string, string> { ["a"] = "{{b}}", ["b"] = "$1 <b>&" });

        result.Text.ShouldBe("{{b}} $1 <b>&");
    }

    [Fact]
    public void Rendered_values_go_into_twiml_as_escaped_text()
    {
        var text = TemplateVariables.Render("Hello {{name}}", new Dictionary<string, string> { ["name"] = "<b>&</b><break time=\"9s\"/>" }).Text!;

        var xml = new VoiceTwiml().Say(text, voice: "Polly.Joanna", rate: "slow").ToXml();

        var prosody = XDocument.Parse(xml).Root!.Element("Say")!.Element("prosody")!;
        prosody.HasElements.ShouldBeFalse();
        prosody.Value.ShouldBe("Hello <b>&</b><break time=\"9s\"/>");
    }
}

using System.Xml.Linq;
using App.Twilio;

namespace App.Tests.Twilio;

/// <summary>Our rules over the SDK's TwiML builder: what <see cref="VoiceTwiml"/> writes, and what it refuses.</summary>
public class VoiceTwimlTests
{
    private const string Declaration = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";

    private static XElement Parse(string xml)
    {
        xml.ShouldStartWith(Declaration);
        xml.ShouldNotContain("\n", customMessage: "one line");
        var root = XDocument.Parse(xml).Root!;
        root.Name.LocalName.ShouldBe("Response");
        TwimlDocument.Validate(xml, TwimlKind.Voice).ShouldBe(TwimlValidationResult.Valid);
        return root;
    }

    [Fact]
    public void An_empty_response_is_a_bare_Response_element()
    {
        var root = Parse(new VoiceTwiml().ToXml());

        root.HasElements.ShouldBeFalse();
        TwimlDocument.EmptyResponse.ShouldBe(Declaration + "<Response></Response>");
        TwimlDocument.Validate(TwimlDocument.EmptyResponse, TwimlKind.Messaging).IsValid.ShouldBeTrue();
    }

    [Fact]
    public void Say_writes_voice_language_and_loop_and_never_a_rate()
    {
        var say = Parse(new VoiceTwiml().Say("Hello", voice: "Polly.Joanna", language: "en-US", loop: 2).ToXml()).Element("Say")!;

        say.Value.ShouldBe("Hello");
        say.Attribute("voice")!.Value.ShouldBe("Polly.Joanna");
        say.Attribute("language")!.Value.ShouldBe("en-US");
        say.Attribute("loop")!.Value.ShouldBe("2");
        say.Attributes().Select(a => a.Name.LocalName).ShouldBe(["voice", "language", "loop"], ignoreOrder: true);
    }

    [Fact]
    public void Say_without_options_writes_no_attributes()
    {
        var say = Parse(new VoiceTwiml().Say("Hi").ToXml()).Element("Say")!;

        say.HasAttributes.ShouldBeFalse();
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("Alice")]
    [InlineData(" ")]
    public void Alice_and_blank_voices_are_refused(string voice)
    {
        Should.Throw<ArgumentException>(() => new VoiceTwiml().Say("Hi", voice: voice));
    }

    [Theory]
    [InlineData("english")]
    [InlineData("en_US")]
    public void Languages_must_be_locales(string language)
    {
        Should.Throw<ArgumentException>(() => new VoiceTwiml().Say("Hi", language: language));
    }

    [Fact]
    public void Text_is_escaped_and_round_trips()
    {
        const string text = "Tom & Jerry <b>\"quoted\" 'single' é 😀 </Say><Hangup/>";
        var xml = new VoiceTwiml().Say(text, voice: "Polly.Amy").ToXml();

        xml.ShouldContain("&amp;");
        xml.ShouldContain("&lt;b&gt;");
        xml.ShouldContain("é 😀");
        xml.ShouldNotContain("<b>");
        var root = Parse(xml);
        root.Element("Say")!.Value.ShouldBe(text);
        root.Elements().Count().ShouldBe(1);
    }

    [Fact]
    public void Urls_are_written_as_given_and_escaped()
    {
        const string url = "https://x.example/apr%C3%A8s%20hours.mp3?sig=a%2Bb&c=\"2\"<";

        var root = Parse(new VoiceTwiml().Play(url).ToXml());

        root.Element("Play")!.Value.ShouldBe(url);
    }

    [Fact]
    public void Characters_xml_cannot_carry_are_dropped_instead_of_failing()
    {
        var root = Parse(new VoiceTwiml().Say("a\u0001b\uD800c😀", voice: "Polly.Joanna", rate: "slow").Play("https://x/a\u0002.mp3").ToXml());

        root.Element("Say")!.Value.ShouldBe("abc😀");
        root.Element("Play")!.Value.ShouldBe("https://x/a.mp3");
    }

    [Theory]
    [InlineData("Polly.Joanna")]
    [InlineData("Polly.Joanna-Neural")]
    [InlineData("Google.en-US-Neural2-F")]
    public void A_rate_is_ssml_prosody_inside_Say_for_voices_that_take_ssml(string voice)
    {
        var say = Parse(new VoiceTwiml().Say("Bye & <thanks>", voice: voice, rate: "85%").ToXml()).Element("Say")!;

        say.Attribute("rate").ShouldBeNull();
        var prosody = say.Elements().ShouldHaveSingleItem();
        prosody.Name.LocalName.ShouldBe("prosody");
        prosody.Attribute("rate")!.Value.ShouldBe("85%");
        prosody.Value.ShouldBe("Bye & <thanks>");
        say.Descendants("speak").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("man")]
    [InlineData("woman")]
    [InlineData(null)]
    public void Basic_and_default_voices_get_plain_text_only(string? voice)
    {
        var say = Parse(new VoiceTwiml().Say("Hello world", voice: voice, rate: "fast").ToXml()).Element("Say")!;

        say.HasElements.ShouldBeFalse();
        say.Value.ShouldBe("Hello world");
    }

    [Theory]
    [InlineData("medium-ish")]
    [InlineData("10%")]
    [InlineData("500%")]
    [InlineData("")]
    public void Invalid_prosody_rates_are_refused(string rate)
    {
        Should.Throw<ArgumentException>(() => new VoiceTwiml().Say("x", voice: "Polly.Joanna", rate: rate));
    }

    [Fact]
    public void Play_writes_url_and_loop()
    {
        var root = Parse(new VoiceTwiml().Play("https://cdn.example/a b.mp3", loop: 0).Play("/relative/b.mp3").ToXml());

        var plays = root.Elements("Play").ToList();
        plays[0].Value.ShouldBe("https://cdn.example/a b.mp3");
        plays[0].Attribute("loop")!.Value.ShouldBe("0");
        plays[1].Value.ShouldBe("/relative/b.mp3");
        plays[1].HasAttributes.ShouldBeFalse();
    }

    [Fact]
    public void Play_needs_a_url_and_loops_are_not_negative()
    {
        Should.Throw<ArgumentException>(() => new VoiceTwiml().Play(" "));
        Should.Throw<ArgumentOutOfRangeException>(() => new VoiceTwiml().Play("https://x/a.mp3", loop: -1));
        Should.Throw<ArgumentOutOfRangeException>(() => new VoiceTwiml().Say("x", loop: -1));
    }

    [Fact]
    public void Say_play_and_hangup_keep_their_order()
    {
        var root = Parse(new VoiceTwiml().Play("https://x/a.mp3").Say("Hi", voice: "Polly.Amy", language: "en-GB").Hangup().ToXml());

        root.Elements().Select(e => e.Name.LocalName).ShouldBe(["Play", "Say", "Hangup"]);
        root.Element("Hangup")!.HasAttributes.ShouldBeFalse();
    }
}

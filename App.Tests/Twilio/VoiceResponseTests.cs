using System.Xml.Linq;
using App.Twilio;
using Shouldly;
using Xunit;

namespace App.Tests.Twilio;

public class VoiceResponseTests
{
    private static XElement Parse(string xml)
    {
        xml.ShouldStartWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        var root = XDocument.Parse(xml).Root!;
        root.Name.LocalName.ShouldBe("Response");
        TwimlDocument.Validate(xml, TwimlKind.Voice).ShouldBe(TwimlValidationResult.Valid);
        return root;
    }

    [Fact]
    public void An_empty_response_is_a_bare_Response_element()
    {
        var root = Parse(new VoiceResponse().ToXml());

        root.HasElements.ShouldBeFalse();
        TwimlDocument.EmptyResponse.ShouldBe("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response />");
    }

    [Fact]
    public void Say_writes_voice_language_and_loop_and_never_a_rate()
    {
        var say = Parse(new VoiceResponse().Say("Hello", voice: "Polly.Joanna", language: "en-US", loop: 2).ToXml()).Element("Say")!;

        say.Value.ShouldBe("Hello");
        say.Attribute("voice")!.Value.ShouldBe("Polly.Joanna");
        say.Attribute("language")!.Value.ShouldBe("en-US");
        say.Attribute("loop")!.Value.ShouldBe("2");
        say.Attributes().Select(a => a.Name.LocalName).ShouldBe(["voice", "language", "loop"]);
    }

    [Fact]
    public void Say_without_options_writes_no_attributes()
    {
        var say = Parse(new VoiceResponse().Say("Hi").ToXml()).Element("Say")!;

        say.HasAttributes.ShouldBeFalse();
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("Alice")]
    public void Alice_is_refused(string voice)
    {
        Should.Throw<ArgumentException>(() => new VoiceResponse().Say("Hi", voice: voice));
        Should.Throw<ArgumentException>(() => new VoiceResponse().Gather(content: g => g.Say("Hi", voice: voice)));
    }

    [Fact]
    public void Text_is_escaped_and_round_trips()
    {
        const string text = "Tom & Jerry <b>\"quoted\" 'single' é 😀 </Say><Hangup/>";
        var xml = new VoiceResponse().Say(text, voice: "Polly.Amy").ToXml();

        xml.ShouldContain("&amp;");
        xml.ShouldContain("&lt;b&gt;");
        xml.ShouldContain("é 😀");
        xml.ShouldNotContain("<b>");
        var root = Parse(xml);
        root.Element("Say")!.Value.ShouldBe(text);
        root.Elements().Count().ShouldBe(1);
    }

    [Fact]
    public void Attribute_values_are_escaped()
    {
        var url = "https://x.example/a?b=1&c=\"2\"<";
        var root = Parse(new VoiceResponse().Gather(new GatherOptions { Action = url }).Redirect(url).ToXml());

        root.Element("Gather")!.Attribute("action")!.Value.ShouldBe(url);
        root.Element("Redirect")!.Value.ShouldBe(url);
    }

    [Fact]
    public void Characters_xml_cannot_carry_are_dropped_instead_of_failing()
    {
        var root = Parse(new VoiceResponse().Say("a\u0001b\uD800c").ToXml());

        root.Element("Say")!.Value.ShouldBe("abc");
    }

    [Fact]
    public void Ssml_nests_inside_Say_for_polly_voices()
    {
        var content = new[]
        {
            Ssml.Text("Your code is "),
            Ssml.Prosody("slow", Ssml.SayAs("digits", null, "1234"), Ssml.Break(time: "500ms")),
            Ssml.Prosody("85%", Ssml.Text("Bye & <thanks>")),
            Ssml.Break(strength: "strong"),
            Ssml.SayAs("date", "dmy", "01-02-2024"),
        };

        var say = Parse(new VoiceResponse().Say(content, voice: "Polly.Joanna").ToXml()).Element("Say")!;

        say.Attribute("rate").ShouldBeNull();
        var prosodies = say.Elements("prosody").ToList();
        prosodies.Count.ShouldBe(2);
        prosodies[0].Attribute("rate")!.Value.ShouldBe("slow");
        prosodies[0].Element("say-as")!.Attribute("interpret-as")!.Value.ShouldBe("digits");
        prosodies[0].Element("say-as")!.Value.ShouldBe("1234");
        prosodies[0].Element("break")!.Attribute("time")!.Value.ShouldBe("500ms");
        prosodies[1].Value.ShouldBe("Bye & <thanks>");
        say.Element("break")!.Attribute("strength")!.Value.ShouldBe("strong");
        say.Element("say-as")!.Attribute("format")!.Value.ShouldBe("dmy");
        say.Descendants("speak").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("man")]
    [InlineData("woman")]
    [InlineData(null)]
    public void Basic_and_default_voices_get_plain_text_only(string? voice)
    {
        var content = new[]
        {
            Ssml.Text("Hello"),
            Ssml.Break(time: "1s"),
            Ssml.Prosody("fast", Ssml.Text("world "), Ssml.SayAs("digits", null, "42")),
        };

        var say = Parse(new VoiceResponse().Say(content, voice: voice).ToXml()).Element("Say")!;

        say.HasElements.ShouldBeFalse();
        say.Value.ShouldBe("Hello world 42");
    }

    [Fact]
    public void Google_voices_take_ssml()
    {
        var say = Parse(new VoiceResponse().Say([Ssml.Prosody("fast", Ssml.Text("Hi"))], voice: "Google.en-US-Neural2-F").ToXml()).Element("Say")!;

        say.Element("prosody").ShouldNotBeNull();
    }

    [Theory]
    [InlineData("medium-ish")]
    [InlineData("10%")]
    [InlineData("500%")]
    [InlineData("")]
    public void Invalid_prosody_rates_are_refused(string rate)
    {
        Should.Throw<ArgumentException>(() => Ssml.Prosody(rate, Ssml.Text("x")));
    }

    [Fact]
    public void Invalid_ssml_values_are_refused()
    {
        Should.Throw<ArgumentException>(() => Ssml.Break(time: "2 seconds"));
        Should.Throw<ArgumentException>(() => Ssml.Break(strength: "huge"));
        Should.Throw<ArgumentException>(() => Ssml.SayAs("phone", null, "1"));
        Should.Throw<ArgumentException>(() => Ssml.SayAs("date", "yyyy", "1"));
    }

    [Fact]
    public void Play_writes_url_loop_and_digits()
    {
        var root = Parse(new VoiceResponse()
            .Play("https://cdn.example/a b.mp3", loop: 0)
            .Play(digits: "ww3#")
            .ToXml());

        var plays = root.Elements("Play").ToList();
        plays[0].Value.ShouldBe("https://cdn.example/a b.mp3");
        plays[0].Attribute("loop")!.Value.ShouldBe("0");
        plays[1].Attribute("digits")!.Value.ShouldBe("ww3#");
        plays[1].Value.ShouldBeEmpty();
    }

    [Fact]
    public void Play_needs_exactly_one_of_url_or_digits()
    {
        Should.Throw<ArgumentException>(() => new VoiceResponse().Play());
        Should.Throw<ArgumentException>(() => new VoiceResponse().Play("https://x/a.mp3", digits: "1"));
        Should.Throw<ArgumentException>(() => new VoiceResponse().Play(digits: "12x"));
        Should.Throw<ArgumentOutOfRangeException>(() => new VoiceResponse().Play("https://x/a.mp3", loop: -1));
    }

    [Fact]
    public void Pause_hangup_and_redirect()
    {
        var root = Parse(new VoiceResponse().Pause(3).Pause().Hangup().Redirect("/next", "GET").ToXml());

        var verbs = root.Elements().ToList();
        verbs.Select(e => e.Name.LocalName).ShouldBe(["Pause", "Pause", "Hangup", "Redirect"]);
        verbs[0].Attribute("length")!.Value.ShouldBe("3");
        verbs[1].HasAttributes.ShouldBeFalse();
        verbs[2].HasAttributes.ShouldBeFalse();
        verbs[3].Attribute("method")!.Value.ShouldBe("GET");
        verbs[3].Value.ShouldBe("/next");
        Should.Throw<ArgumentOutOfRangeException>(() => new VoiceResponse().Pause(0));
        Should.Throw<ArgumentException>(() => new VoiceResponse().Redirect("/x", "PUT"));
    }

    [Fact]
    public void Gather_writes_its_attributes_and_nested_verbs()
    {
        var xml = new VoiceResponse()
            .Gather(
                new GatherOptions { Action = "/ivr/choice", Method = "POST", Timeout = 7, NumDigits = 1, Input = "dtmf speech", FinishOnKey = "" },
                g => g.Say("Press 1", voice: "Polly.Amy", language: "en-GB").Play("https://x/beep.mp3").Pause(2))
            .Say("We did not get your choice.")
            .ToXml();

        var root = Parse(xml);
        var gather = root.Element("Gather")!;
        gather.Attribute("action")!.Value.ShouldBe("/ivr/choice");
        gather.Attribute("method")!.Value.ShouldBe("POST");
        gather.Attribute("timeout")!.Value.ShouldBe("7");
        gather.Attribute("numDigits")!.Value.ShouldBe("1");
        gather.Attribute("input")!.Value.ShouldBe("dtmf speech");
        gather.Attribute("finishOnKey")!.Value.ShouldBe("");
        gather.Elements().Select(e => e.Name.LocalName).ShouldBe(["Say", "Play", "Pause"]);
        root.Elements().Select(e => e.Name.LocalName).ShouldBe(["Gather", "Say"]);
    }

    [Fact]
    public void Gather_options_are_checked()
    {
        Should.Throw<ArgumentException>(() => new VoiceResponse().Gather(new GatherOptions { Input = "keys" }));
        Should.Throw<ArgumentException>(() => new VoiceResponse().Gather(new GatherOptions { FinishOnKey = "x" }));
        Should.Throw<ArgumentException>(() => new VoiceResponse().Gather(new GatherOptions { Method = "put" }));
        Should.Throw<ArgumentOutOfRangeException>(() => new VoiceResponse().Gather(new GatherOptions { NumDigits = 0 }));
    }

    [Fact]
    public void Messaging_response_writes_message_text_escaped()
    {
        var xml = new MessagingResponse().Message("Thanks & bye <3 😀").ToXml();

        var root = XDocument.Parse(xml).Root!;
        root.Element("Message")!.Value.ShouldBe("Thanks & bye <3 😀");
        TwimlDocument.Validate(xml, TwimlKind.Messaging).IsValid.ShouldBeTrue();
        new MessagingResponse().ToXml().ShouldBe(TwimlDocument.EmptyResponse);
    }
}

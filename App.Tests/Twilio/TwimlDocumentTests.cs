using App.Twilio;

namespace App.Tests.Twilio;

public class TwimlDocumentTests
{
    [Theory]
    [InlineData("<Response/>")]
    [InlineData("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say voice=\"Polly.Amy\" language=\"en-GB\" loop=\"1\">Hi <prosody rate=\"slow\">there</prosody><break time=\"1s\"/></Say></Response>")]
    [InlineData("<Response><Gather action=\"/a\" numDigits=\"1\" input=\"dtmf\"><Say>Press</Say><Play>https://x/a.mp3</Play><Pause length=\"1\"/></Gather><Hangup/></Response>")]
    [InlineData("<Response><Play digits=\"ww1\"/><Redirect method=\"GET\">/next</Redirect></Response>")]
    [InlineData("<Response><Say><lang xml:lang=\"fr-FR\">Bonjour</lang> <say-as interpret-as=\"telephone\">+1555</say-as></Say></Response>")]
    [InlineData("<Response><Message>Hi &amp; bye</Message></Response>")]
    [InlineData("<!-- comment --><Response>\n  <Hangup/>\n</Response>")]
    public void Good_documents_are_accepted(string xml)
    {
        TwimlDocument.TryValidate(xml, out var error).ShouldBeTrue(error);
        error.ShouldBeNull();
    }

    [Fact]
    public void Documents_written_by_the_builders_are_accepted()
    {
        var xml = new VoiceTwiml()
            .Say("a", voice: "Polly.Joanna", rate: "fast", loop: 2)
            .Play("https://x/y.mp3", loop: 2)
            .Say("b", voice: "man", language: "en-GB", rate: "slow")
            .Hangup()
            .ToXml();

        TwimlDocument.TryValidate(xml, out var error).ShouldBeTrue(error);
        TwimlDocument.TryValidate(TwimlDocument.EmptyResponse, out error).ShouldBeTrue(error);
    }

    [Theory]
    [InlineData("not xml at all")]
    [InlineData("<Response><Say>unclosed</Response>")]
    [InlineData("")]
    [InlineData("<Response>&bogus;</Response>")]
    [InlineData("<!DOCTYPE Response [<!ENTITY x \"y\">]><Response/>")]
    public void Unparsable_documents_are_parse_errors(string xml)
    {
        var result = TwimlDocument.Validate(xml);

        result.IsValid.ShouldBeFalse();
        result.ErrorCode.ShouldBe(TwimlDocument.ParseErrorCode);
        TwimlDocument.TryValidate(xml, out var error).ShouldBeFalse();
        error.ShouldNotBeNullOrEmpty();
    }

    [Theory]
    [InlineData("<response/>")]
    [InlineData("<Twiml><Say>x</Say></Twiml>")]
    [InlineData("<Response><say>lowercase</say></Response>")]
    [InlineData("<Response><Say rate=\"medium\">x</Say></Response>")]
    [InlineData("<Response><Say voice=\"Polly.Amy\" speed=\"2\">x</Say></Response>")]
    [InlineData("<Response><Dance/></Response>")]
    [InlineData("<Response>loose text</Response>")]
    [InlineData("<Response><Gather><Hangup/></Gather></Response>")]
    [InlineData("<Response><Say><speak>x</speak></Say></Response>")]
    [InlineData("<Response><Hangup>now</Hangup></Response>")]
    [InlineData("<Response><Pause length=\"two\"/></Response>")]
    [InlineData("<Response><Redirect method=\"PUT\">/x</Redirect></Response>")]
    [InlineData("<Response><Redirect/></Response>")]
    [InlineData("<Response><Play/></Response>")]
    [InlineData("<Response foo=\"1\"/>")]
    [InlineData("<Response><Say><prosody speed=\"1\">x</prosody></Say></Response>")]
    [InlineData("<Response xmlns=\"urn:other\"><Say>x</Say></Response>")]
    public void Schema_violations_are_schema_errors(string xml)
    {
        var result = TwimlDocument.Validate(xml);

        result.IsValid.ShouldBeFalse();
        result.ErrorCode.ShouldBe(TwimlDocument.SchemaErrorCode);
        result.Error.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void The_kind_restricts_verbs()
    {
        TwimlDocument.Validate("<Response><Message>x</Message></Response>", TwimlKind.Voice).ErrorCode.ShouldBe(TwimlDocument.SchemaErrorCode);
        TwimlDocument.Validate("<Response><Say>x</Say></Response>", TwimlKind.Messaging).ErrorCode.ShouldBe(TwimlDocument.SchemaErrorCode);
        TwimlDocument.Validate("<Response><Redirect>/x</Redirect></Response>", TwimlKind.Messaging).IsValid.ShouldBeTrue();
    }
}

using App.Twilio;

namespace App.Tests.Twilio;

public class LegacyVoiceMappingTests
{
    [Theory]
    [InlineData("alice", null, "Polly.Joanna", "en-US")]
    [InlineData("alice", "en-GB", "Polly.Amy", "en-GB")]
    [InlineData("woman", null, "Polly.Joanna", "en-US")]
    [InlineData("man", null, "Polly.Matthew", "en-US")]
    [InlineData("man", "en-GB", "Polly.Brian", "en-GB")]
    [InlineData("MAN", "en_gb", "Polly.Brian", "en-GB")]
    [InlineData(" Alice ", "fr", "Polly.Lea", "fr-FR")]
    [InlineData("man", "de-DE", "Polly.Hans", "de-DE")]
    [InlineData("man", "es-MX", "Polly.Andres-Neural", "es-MX")]
    [InlineData(null, null, "Polly.Joanna", "en-US")]
    [InlineData("", "", "Polly.Joanna", "en-US")]
    [InlineData("robot", "xx-YY", "Polly.Joanna", "en-US")]
    public void Genders_map_to_polly_voices_per_language(string? gender, string? language, string voice, string expectedLanguage)
    {
        var selection = LegacyVoiceMapping.Map(new LegacyVoiceSettings(VoiceGender: gender, Language: language));

        selection.Voice.ShouldBe(voice);
        selection.Language.ShouldBe(expectedLanguage);
    }

    [Theory]
    [InlineData("Allison", "Polly.Joanna")]
    [InlineData("Susan", "Polly.Kimberly")]
    [InlineData("vanessa", "Polly.Salli")]
    [InlineData("Victor", "Polly.Joey")]
    public void Tropo_voices_win_over_gender(string tropo, string voice)
    {
        var selection = LegacyVoiceMapping.Map(new LegacyVoiceSettings(VoiceGender: "man", TropoVoice: tropo));

        selection.ShouldBe(new VoiceSelection(voice, "en-US", null));
    }

    [Fact]
    public void Tropo_voices_are_ignored_for_non_english_languages_and_when_empty()
    {
        LegacyVoiceMapping.Map(new LegacyVoiceSettings("woman", TropoVoice: "Allison", Language: "fr-FR")).Voice.ShouldBe("Polly.Lea");
        LegacyVoiceMapping.Map(new LegacyVoiceSettings("man", TropoVoice: "")).Voice.ShouldBe("Polly.Matthew");
        LegacyVoiceMapping.Map(new LegacyVoiceSettings("man", TropoVoice: "Zelda")).Voice.ShouldBe("Polly.Matthew");
    }

    [Fact]
    public void Children_get_child_voices_in_us_english()
    {
        LegacyVoiceMapping.Map(new LegacyVoiceSettings("woman", VoiceAge: 8)).Voice.ShouldBe("Polly.Ivy");
        LegacyVoiceMapping.Map(new LegacyVoiceSettings("man", VoiceAge: 8)).Voice.ShouldBe("Polly.Justin");
        LegacyVoiceMapping.Map(new LegacyVoiceSettings("man", VoiceAge: 25)).Voice.ShouldBe("Polly.Matthew");
        LegacyVoiceMapping.Map(new LegacyVoiceSettings("man", VoiceAge: 8, Language: "en-GB")).Voice.ShouldBe("Polly.Brian");
    }

    [Theory]
    [InlineData("slow", "slow")]
    [InlineData("medium", null)]
    [InlineData("fast", "fast")]
    [InlineData("FAST", "fast")]
    [InlineData("x-slow", "x-slow")]
    [InlineData("85%", "85%")]
    [InlineData("120", "120%")]
    [InlineData("100%", null)]
    [InlineData("5%", null)]
    [InlineData("warp", null)]
    [InlineData(null, null)]
    [InlineData("", null)]
    public void Rates_map_to_prosody_rates(string? legacy, string? expected)
    {
        LegacyVoiceMapping.MapRate(legacy).ShouldBe(expected);
        LegacyVoiceMapping.Map(new LegacyVoiceSettings("alice", VoiceRate: legacy)).ProsodyRate.ShouldBe(expected);
    }

    [Fact]
    public void Every_mapped_voice_is_known_speaks_its_language_and_takes_ssml()
    {
        string[] genders = ["alice", "man", "woman"];
        string[] languages = ["en-US", "en-GB", "en-AU", "es-ES", "es-MX", "es-US", "fr-FR", "fr-CA", "de-DE", "it-IT", "pt-BR", "pt-PT", "nl-NL", "ja-JP"];
        var selections = genders.SelectMany(g => languages.Select(l => LegacyVoiceMapping.Map(new LegacyVoiceSettings(g, Language: l))))
            .Concat(new[] { "Allison", "Susan", "Vanessa", "Victor" }.Select(t => LegacyVoiceMapping.Map(new LegacyVoiceSettings(TropoVoice: t))))
            .Concat([LegacyVoiceMapping.Map(new LegacyVoiceSettings("man", 5)), LegacyVoiceMapping.Map(new LegacyVoiceSettings("woman", 5))]);

        foreach (var selection in selections)
        {
            TwilioVoices.IsKnown(selection.Voice).ShouldBeTrue(selection.Voice);
            TwilioVoices.Speaks(selection.Voice, selection.Language).ShouldBeTrue(selection.ToString());
            TwilioVoices.SupportsSsml(selection.Voice).ShouldBeTrue(selection.Voice);
        }
    }

    [Fact]
    public void A_mapped_selection_renders_valid_twiml_with_prosody_instead_of_a_rate_attribute()
    {
        var selection = LegacyVoiceMapping.Map(new LegacyVoiceSettings("alice", VoiceRate: "slow"));

        var xml = new VoiceTwiml().Say("Hello", selection.Voice, selection.Language, selection.ProsodyRate).ToXml();

        xml.ShouldContain("<Say voice=\"Polly.Joanna\" language=\"en-US\"><prosody rate=\"slow\">Hello</prosody></Say>");
        TwimlDocument.TryValidate(xml, out _).ShouldBeTrue();
    }
}

public class TwilioVoicesTests
{
    [Theory]
    [InlineData("man", true)]
    [InlineData("woman", true)]
    [InlineData("Polly.Joanna", true)]
    [InlineData("Polly.Joanna-Neural", true)]
    [InlineData("Polly.Ruth-Neural", true)]
    [InlineData("Polly.Ruth", false)]
    [InlineData("Google.en-US-Neural2-F", true)]
    [InlineData("alice", false)]
    [InlineData("polly.joanna", false)]
    [InlineData(null, false)]
    public void Known_voices_come_from_the_curated_list(string? voice, bool known)
    {
        TwilioVoices.IsKnown(voice).ShouldBe(known);
    }

    [Theory]
    [InlineData("man", 4000, false)]
    [InlineData("woman", 4000, false)]
    [InlineData("Polly.Amy", 3000, true)]
    [InlineData("Polly.Unlisted", 3000, true)]
    [InlineData("Google.en-GB-Standard-A", 5000, true)]
    [InlineData(null, 3000, false)]
    public void Limits_and_ssml_support_follow_the_provider(string? voice, int limit, bool ssml)
    {
        TwilioVoices.MaxSayLength(voice).ShouldBe(limit);
        TwilioVoices.SupportsSsml(voice).ShouldBe(ssml);
    }

    [Fact]
    public void Only_google_counts_markup_toward_the_limit()
    {
        TwilioVoices.SayLengthCountsMarkup("Google.en-US-Standard-C").ShouldBeTrue();
        TwilioVoices.SayLengthCountsMarkup("Polly.Joanna").ShouldBeFalse();
    }

    [Fact]
    public void The_catalogue_is_consistent()
    {
        TwilioVoices.All.Select(v => v.Name).ShouldBeUnique();
        TwilioVoices.All.ShouldAllBe(v => TwilioVoices.ProviderOf(v.Name) == v.Provider);
        TwilioVoices.All.ShouldAllBe(v => TwilioVoices.IsKnownLanguage(v.Language));
        TwilioVoices.All.ShouldNotContain(v => TwilioVoices.IsRetired(v.Name));
        TwilioVoices.Languages.ShouldContain("en-GB");
        TwilioVoices.Find("Polly.Amy")!.Language.ShouldBe("en-GB");
    }

    [Theory]
    [InlineData("slow", true)]
    [InlineData("x-fast", true)]
    [InlineData("85%", true)]
    [InlineData("200%", true)]
    [InlineData("19%", false)]
    [InlineData("Slow", false)]
    [InlineData("85", false)]
    public void Prosody_rates(string rate, bool valid)
    {
        TwilioVoices.IsValidProsodyRate(rate).ShouldBe(valid);
    }
}

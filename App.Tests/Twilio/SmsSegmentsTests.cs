using App.Twilio;

namespace App.Tests.Twilio;

public class SmsSegmentsTests
{
    [Fact]
    public void Empty_body_has_no_segments()
    {
        SmsSegments.Count("").ShouldBe(new SmsSegmentInfo("GSM-7", 0, 0, 160));
    }

    [Fact]
    public void A_160_character_gsm_body_is_one_segment_and_161_is_two()
    {
        SmsSegments.Count(new string('a', 160)).ShouldBe(new SmsSegmentInfo("GSM-7", 160, 1, 160));
        SmsSegments.Count(new string('a', 161)).ShouldBe(new SmsSegmentInfo("GSM-7", 161, 2, 153));
        SmsSegments.Count(new string('a', 306)).Segments.ShouldBe(2);
        SmsSegments.Count(new string('a', 307)).Segments.ShouldBe(3);
    }

    [Theory]
    [InlineData('€')]
    [InlineData('^')]
    [InlineData('{')]
    [InlineData('}')]
    [InlineData('[')]
    [InlineData(']')]
    [InlineData('~')]
    [InlineData('\\')]
    [InlineData('|')]
    [InlineData('\f')]
    public void Extension_characters_count_two_septets(char c)
    {
        SmsSegments.Count(c.ToString()).ShouldBe(new SmsSegmentInfo("GSM-7", 2, 1, 160));
        SmsSegments.Count(new string('a', 158) + c).Segments.ShouldBe(1);
        SmsSegments.Count(new string('a', 159) + c).ShouldBe(new SmsSegmentInfo("GSM-7", 161, 2, 153));
    }

    [Fact]
    public void An_escape_pair_is_not_split_across_segments()
    {
        // 152 + 2 would straddle the 153-septet boundary, so € starts segment 2; 152 + 2 + 152 = 306 septets then
        // needs a third segment although ceil(306 / 153) is 2.
        var body = new string('a', 152) + "€" + new string('a', 152);

        SmsSegments.Count(body).ShouldBe(new SmsSegmentInfo("GSM-7", 306, 3, 153));
        SmsSegments.Count(new string('a', 151) + "€" + new string('a', 153)).Segments.ShouldBe(2);
    }

    [Fact]
    public void Gsm_accented_letters_stay_gsm()
    {
        SmsSegments.Count("Ça coûte 5€ à Zürich? ¿Sí! ñ ø Å É ß").Encoding.ShouldBe("UCS-2"); // û is not GSM-7
        SmsSegments.Count("Ça, 5€ à Zürich? ¿ñ ø Å É ß Δ").Encoding.ShouldBe("GSM-7");
        SmsSegments.IsGsm7("line\nbreak\r").ShouldBeTrue();
    }

    [Fact]
    public void Seventy_ucs2_characters_are_one_segment_and_71_are_two()
    {
        SmsSegments.Count(new string('я', 70)).ShouldBe(new SmsSegmentInfo("UCS-2", 70, 1, 70));
        SmsSegments.Count(new string('я', 71)).ShouldBe(new SmsSegmentInfo("UCS-2", 71, 2, 67));
        SmsSegments.Count(new string('я', 134)).Segments.ShouldBe(2);
        SmsSegments.Count(new string('я', 135)).Segments.ShouldBe(3);
    }

    [Fact]
    public void Emoji_are_surrogate_pairs_that_count_two_units()
    {
        SmsSegments.Count("😀").ShouldBe(new SmsSegmentInfo("UCS-2", 2, 1, 70));
        SmsSegments.Count(string.Concat(Enumerable.Repeat("😀", 35))).Segments.ShouldBe(1);
        SmsSegments.Count(string.Concat(Enumerable.Repeat("😀", 36))).ShouldBe(new SmsSegmentInfo("UCS-2", 72, 2, 67));
    }

    [Fact]
    public void One_emoji_turns_152_gsm_characters_into_three_segments()
    {
        SmsSegments.Count(new string('a', 152) + "😀").ShouldBe(new SmsSegmentInfo("UCS-2", 154, 3, 67));
    }

    [Fact]
    public void A_surrogate_pair_is_not_split_across_segments()
    {
        // 66 units then an emoji: it cannot take the 67th unit, so it moves to segment 2.
        var body = new string('я', 66) + "😀" + new string('я', 66);

        SmsSegments.Count(body).ShouldBe(new SmsSegmentInfo("UCS-2", 134, 3, 67));
    }
}

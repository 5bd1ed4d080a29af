// Ours: the SDK does not count segments, and the count is needed before anything is sent (validation, cost, the UI).
namespace App.Twilio;

/// <param name="Encoding"><see cref="SmsSegments.Gsm7"/> or <see cref="SmsSegments.Ucs2"/>.</param>
/// <param name="Characters">GSM-7 septets (extension characters count 2) or UTF-16 code units for UCS-2.</param>
/// <param name="Segments">Billable segments; 0 for an empty body.</param>
/// <param name="PerSegment">Capacity of one segment for this message: 160/70 when it fits in one, else 153/67.</param>
public readonly record struct SmsSegmentInfo(string Encoding, int Characters, int Segments, int PerSegment);

/// <summary>Counts SMS segments as Twilio bills them (see docs/twilio.md, "SMS segments and encodings").</summary>
public static class SmsSegments
{
    public const string Gsm7 = "GSM-7";
    public const string Ucs2 = "UCS-2";

    private const int GsmSingle = 160;
    private const int GsmMulti = 153;
    private const int Ucs2Single = 70;
    private const int Ucs2Multi = 67;

    // GSM 03.38 default alphabet (without ESC 0x1B, which a body cannot carry by itself).
    private const string BasicAlphabet =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    // Extension table: each is sent as ESC + char, i.e. 2 septets.
    private const string ExtensionAlphabet = "\f^{}\\[~]|€";

    private static readonly HashSet<char> Basic = [.. BasicAlphabet];
    private static readonly HashSet<char> Extension = [.. ExtensionAlphabet];

    public static bool IsGsm7(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        foreach (var c in body)
        {
            if (!Basic.Contains(c) && !Extension.Contains(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <remarks>
    /// Multi-part messages are packed unit by unit, the way encoders split them: an ESC+char pair (GSM-7) or a
    /// surrogate pair (UCS-2) is never split across two segments, so one can end a unit short. That is why the count is
    /// not always <c>ceil(length / 153)</c>.
    /// </remarks>
    public static SmsSegmentInfo Count(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return IsGsm7(body) ? CountGsm(body) : CountUcs2(body);
    }

    private static SmsSegmentInfo CountGsm(string body)
    {
        var units = body.Select(c => Extension.Contains(c) ? 2 : 1);
        return Pack(Gsm7, units, GsmSingle, GsmMulti);
    }

    private static SmsSegmentInfo CountUcs2(string body)
    {
        var units = new List<int>(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            if (char.IsHighSurrogate(body[i]) && i + 1 < body.Length && char.IsLowSurrogate(body[i + 1]))
            {
                units.Add(2);
                i++;
            }
            else
            {
                units.Add(1);
            }
        }

        return Pack(Ucs2, units, Ucs2Single, Ucs2Multi);
    }

    private static SmsSegmentInfo Pack(string encoding, IEnumerable<int> unitSizes, int single, int multi)
    {
        var sizes = unitSizes as IReadOnlyCollection<int> ?? [.. unitSizes];
        var total = sizes.Sum();
        if (total == 0)
        {
            return new SmsSegmentInfo(encoding, 0, 0, single);
        }

        if (total <= single)
        {
            return new SmsSegmentInfo(encoding, total, 1, single);
        }

        var segments = 1;
        var used = 0;
        foreach (var size in sizes)
        {
            if (used + size > multi)
            {
                segments++;
                used = 0;
            }

            used += size;
        }

        return new SmsSegmentInfo(encoding, total, segments, multi);
    }
}

using App.Infrastructure.Phone;
using App.Twilio;

namespace App.Features.Campaigns;

/// <summary>
/// The check of each spreadsheet row before anything is sent, with the same rules as a single send: the number in
/// E.164 (national numbers in the tenant's region), not on the opt-out list, every variable of the message with a
/// value, the SMS within Twilio's length; and each number once per campaign (a second row for the same number is
/// refused, naming the line of the first).
/// </summary>
public sealed class RowCheck(string channel, string template, string region, IReadOnlySet<string> optedOut)
{
    public const string InvalidNumber = "invalid_number";
    public const string Duplicate = "duplicate";
    public const string OptedOut = "opted_out";
    public const string MissingVariable = "missing_variable";
    public const string TooLong = "too_long";

    private readonly Dictionary<string, int> _firstLineOf = new(StringComparer.Ordinal);

    /// <param name="To">E.164, when the number is valid.</param>
    /// <param name="Segments">SMS segments of the filled-in message (null for calls and refused rows).</param>
    public sealed record Outcome(string? To, string? ProblemCode, string? Problem, int? Segments);

    public Outcome Check(CampaignCsv.Row row)
    {
        var number = E164.Normalize(row.To, region);
        if (!number.IsValid) return new(null, InvalidNumber, number.Error, null);
        var to = number.E164!;

        if (!_firstLineOf.TryAdd(to, row.Line))
            return new(to, Duplicate, $"{to} is already on line {_firstLineOf[to]}; each number gets the message once.", null);
        if (optedOut.Contains(to))
            return new(to, OptedOut, $"{to} has opted out of messages from this tenant (replied STOP).", null);

        var rendered = TemplateVariables.Render(template, row.Values);
        if (rendered.MissingNames.Count > 0)
            return new(to, MissingVariable, $"No value for {string.Join(", ", rendered.MissingNames.Select(n => "'" + n + "'"))}.", null);
        if (channel != "sms") return new(to, null, null, null);

        var body = rendered.Text!;
        if (body.Length > TwilioRequestRules.MaxBodyLength)
            return new(to, TooLong, $"With its values filled in the message is {body.Length} characters; Twilio's limit is {TwilioRequestRules.MaxBodyLength}.", null);
        return new(to, null, null, SmsSegments.Count(body).Segments);
    }
}

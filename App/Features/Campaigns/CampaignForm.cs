using System.Globalization;
using App.Twilio;

namespace App.Features.Campaigns;

/// <summary>
/// The form of POST /api/campaigns: the spreadsheet in <c>file</c>, <c>name</c>, and <c>message</c> (an SMS template)
/// or <c>voice_message_id</c> (a call), optional <c>send_at</c> (not before). Every field is checked at once, so one
/// answer names every problem.
/// </summary>
internal static class CampaignForm
{
    public sealed record Fields(string Name, string Channel, string? Message, long? VoiceMessageId, DateTimeOffset? SendAt);

    public static MultipartForm.Rules Rules(long maxFileBytes) => new(
        maxFileBytes,
        NotMultipart: "Send the campaign as multipart/form-data: the spreadsheet (CSV) in a part named 'file', with 'name' and 'message' or 'voice_message_id'.",
        TooLarge: $"The spreadsheet is larger than the {maxFileBytes:N0} bytes allowed; split it into several campaigns.",
        OneFileOnly: "Send one spreadsheet per campaign.",
        FieldOf: name => name is "name" or "message" or "voice_message_id" or "send_at" ? name : null,
        TooLong: field => $"'{field}' is too long.");

    public static (Fields? Fields, IResult? Problem) Check(MultipartForm form, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!form.HasFile) errors["file"] = ["Attach the spreadsheet (CSV) in a part named 'file'."];

        var name = form.Field("name")?.Trim();
        if (string.IsNullOrEmpty(name)) errors["name"] = ["'name' is required: what the campaign is, e.g. 'Reminders for Tuesday'."];
        else if (name.Length > 100) errors["name"] = ["The name can be at most 100 characters."];

        var message = form.Field("message");
        var voiceText = form.Field("voice_message_id")?.Trim();
        long? voiceMessageId = null;
        if (string.IsNullOrWhiteSpace(message) == string.IsNullOrEmpty(voiceText))
        {
            errors["message"] = ["Give either 'message' (an SMS) or 'voice_message_id' (a call), not both."];
        }
        else if (!string.IsNullOrEmpty(voiceText))
        {
            if (long.TryParse(voiceText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0) voiceMessageId = id;
            else errors["voice_message_id"] = ["'voice_message_id' is the id of a voice message."];
        }
        else if (message!.Length > TwilioRequestRules.MaxBodyLength)
        {
            errors["message"] = [$"The message is longer than Twilio's {TwilioRequestRules.MaxBodyLength} characters."];
        }
        else if (TemplateVariables.Validate(message) is { Count: > 0 } malformed)
        {
            errors["message"] = ["Malformed placeholder(s): " + string.Join(", ", malformed) + ". Use {{name}}."];
        }

        DateTimeOffset? sendAt = null;
        if (form.Field("send_at") is { Length: > 0 } sendAtText)
        {
            if (!DateTimeOffset.TryParse(sendAtText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                errors["send_at"] = ["'send_at' is an ISO-8601 time, e.g. 2026-03-02T08:30:00Z."];
            else if (at < now.AddMinutes(-5)) errors["send_at"] = ["'send_at' is in the past."];
            else if (at > now.AddDays(35)) errors["send_at"] = ["'send_at' can be at most 35 days ahead."];
            else sendAt = at;
        }

        if (errors.Count > 0) return (null, Validation.Problem(errors));
        return (new Fields(name!, voiceMessageId is null ? "sms" : "call", voiceMessageId is null ? message : null, voiceMessageId, sendAt), null);
    }
}

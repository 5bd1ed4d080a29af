namespace App.Features.Communication;

/// <summary>Twilio error codes in words, for the log and the UI (FACTS §3.2).</summary>
public static class TwilioErrorCodes
{
    private static readonly Dictionary<int, string> Descriptions = new()
    {
        [11200] = "Twilio could not fetch the call's instructions or audio (HTTP retrieval failure).",
        [12100] = "The call's TwiML document could not be parsed.",
        [12200] = "The call's TwiML document has an unknown verb or attribute.",
        [13227] = "The call could not be placed to this destination (no international permission).",
        [20003] = "Twilio refused the account credentials.",
        [20429] = "Twilio was busy (too many concurrent requests).",
        [21211] = "The 'To' number is not a valid phone number.",
        [21212] = "The 'From' number is not valid.",
        [21408] = "The account has no permission to send to this region.",
        [21606] = "The 'From' number cannot send messages to this destination.",
        [21608] = "The account can only send to verified numbers (trial or unverified account).",
        [21610] = "The recipient has opted out (replied STOP).",
        [21611] = "Too many messages are queued on this sending number.",
        [21614] = "The 'To' number cannot receive SMS (e.g. a landline).",
        [30001] = "Too many messages were queued (queue overflow).",
        [30002] = "The Twilio account is suspended.",
        [30003] = "The handset is unreachable (switched off or out of coverage).",
        [30004] = "The message was blocked by the carrier or the recipient.",
        [30005] = "The destination number is unknown or no longer in service.",
        [30006] = "The destination is a landline or an unreachable carrier.",
        [30007] = "The carrier filtered the message (spam or content filtering).",
        [30008] = "Unknown delivery error from the carrier.",
    };

    public static string? Describe(int? code) =>
        code is int value && Descriptions.TryGetValue(value, out var text) ? text : null;
}

namespace App.Features.Communication;

/// <summary>Twilio error codes in words, for the log and the UI (see docs/twilio.md, "Errors and what is safe to retry").</summary>
public static class TwilioErrorCodes
{
    private static readonly Dictionary<int, string> Descriptions = new()
    {
        [11200] = "Twilio could not fetch the call's instructions or audio from Switchboard (HTTP retrieval failure).",
        [11205] = "Twilio could not connect to Switchboard to fetch the call instructions.",
        [11750] = "The call instructions were too large for Twilio.",
        [12100] = "The call instructions (TwiML) could not be read by Twilio.",
        [12200] = "The call instructions (TwiML) contain something Twilio does not accept.",
        [12300] = "The call instructions were sent with the wrong content type.",
        [13224] = "The number dialled is not a valid phone number.",
        [13227] = "Calls to this country are not enabled on the Twilio account.",
        [20003] = "Twilio rejected the account credentials. Check the Twilio SID and auth token in Settings.",
        [20404] = "Twilio could not find the requested resource.",
        [20429] = "Twilio was too busy (too many requests). Switchboard retries automatically.",
        [21211] = "The phone number is not valid. Check it and include the country code, e.g. +1 555 123 4567.",
        [21212] = "The sending number is not valid.",
        [21214] = "The number cannot be reached by phone.",
        [21215] = "Calls to this country or region are not enabled on the Twilio account.",
        [21217] = "The phone number does not appear to be valid.",
        [21219] = "The number is not verified. Trial accounts can only send to verified numbers.",
        [21401] = "The phone number is not valid.",
        [21408] = "Sending to this region is not enabled on the Twilio account.",
        [21601] = "The sending number cannot send SMS.",
        [21602] = "The message is empty.",
        [21606] = "The sending number cannot send messages to this destination.",
        [21608] = "The number is not verified. A trial or unverified Twilio account can only send to verified numbers.",
        [21610] = "The recipient has opted out by replying STOP. They must text START to receive messages again.",
        [21611] = "Too many messages are waiting to be sent from this number. Try again later.",
        [21612] = "Twilio cannot route messages between these two numbers.",
        [21614] = "The number is not a mobile number and cannot receive SMS.",
        [21617] = "The message is longer than the 1,600 character limit.",
        [21660] = "The sending number does not belong to the Twilio account.",
        [30001] = "The message queue overflowed. Try again later.",
        [30002] = "The Twilio account is suspended.",
        [30003] = "The handset is unreachable (switched off or out of coverage).",
        [30004] = "The message was blocked by the recipient or their carrier.",
        [30005] = "Unknown destination: the number does not exist or is no longer in service.",
        [30006] = "The number is a landline or its carrier cannot receive SMS.",
        [30007] = "The carrier filtered the message as possible spam.",
        [30008] = "The carrier reported an unknown error.",
        [30009] = "Part of a multi-part message was missing.",
        [30010] = "The message price exceeded the maximum price allowed.",
        [30034] = "The message was blocked because the sending number is not registered (US A2P 10DLC).",
        [30410] = "The carrier timed out delivering the message.",
        [31005] = "The call failed with an unknown connection error.",
        [32009] = "The call was rejected by the far end.",
    };

    public static string? Describe(int? code) =>
        code is int value && Descriptions.TryGetValue(value, out var text) ? text : null;
}

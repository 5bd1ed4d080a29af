namespace App.Twilio.Simulator;

/// <summary>
/// <c>To</c> numbers that make the simulator take a failure path. Any other valid number succeeds.
/// </summary>
/// <remarks>
/// <list type="table">
///   <listheader><term>To</term><description>Outcome</description></listheader>
///   <item><term>+15005550001</term><description>SMS and calls: 400, code 21211 (invalid 'To' number). Nothing is created.</description></item>
///   <item><term>+15005550004</term><description>SMS: 400, code 21610 (recipient unsubscribed). Nothing is created.</description></item>
///   <item><term>+15005550429</term><description>SMS and calls: the first attempt for a given (To, Body) pair (calls: (To, Url or Twiml)) gets 429, code 20429, and nothing is created. The next attempt succeeds.</description></item>
///   <item><term>+15005550500</term><description>SMS and calls: the message or call IS created and runs its normal lifecycle, but the answer is 500, code 20500. The client cannot know the outcome and must reconcile by listing.</description></item>
///   <item><term>+15005550503</term><description>SMS and calls: 503, code 20503. Nothing is created.</description></item>
///   <item><term>+15005550002</term><description>SMS: queued → sending → sent → undelivered, ErrorCode 30003 (unreachable handset).</description></item>
///   <item><term>+15005550003</term><description>SMS: queued → sending → failed, ErrorCode 30008 (unknown error). No price.</description></item>
///   <item><term>+15005550020</term><description>Calls: queued → initiated → ringing → busy (SipResponseCode 486). The TwiML is never fetched.</description></item>
///   <item><term>+15005550021</term><description>Calls: → no-answer (SipResponseCode 480). The TwiML is never fetched.</description></item>
///   <item><term>+15005550022</term><description>Calls: → failed (SipResponseCode 404; ErrorCode 13224 "invalid phone number", a simulator extension). The TwiML is never fetched.</description></item>
/// </list>
/// Calls also fail on their own TwiML: the Url does not answer 2xx in time → 11200; the document does not parse →
/// 12100; a TwiML schema error → 12200; a &lt;Play&gt; URL that does not answer 200 with an audio/* type → 11200.
/// </remarks>
public static class MagicNumbers
{
    public const string InvalidNumber = "+15005550001";
    public const string Undelivered = "+15005550002";
    public const string Failed = "+15005550003";
    public const string Unsubscribed = "+15005550004";
    public const string ThrottledOnce = "+15005550429";
    public const string CreatedButServerError = "+15005550500";
    public const string Unavailable = "+15005550503";
    public const string Busy = "+15005550020";
    public const string NoAnswer = "+15005550021";
    public const string CallFails = "+15005550022";

    /// <summary>The <c>ErrorCode</c> of an <see cref="Undelivered"/> message: unreachable destination handset.</summary>
    public const int UnreachableHandset = 30003;

    /// <summary>The <c>ErrorCode</c> of a <see cref="Failed"/> message: unknown error.</summary>
    public const int UnknownError = 30008;

    /// <summary>
    /// Every create attempt is recorded; <see cref="Unavailable"/> answers 503 and
    /// <see cref="ThrottledOnce"/> 429 on the first attempt of each <paramref name="throttleKey"/>, creating nothing.
    /// </summary>
    public static IResult? RefuseCreate(SimulatorLedger ledger, string? to, string throttleKey)
    {
        if (to is not null) ledger.RecordAttempt(to);
        if (to == Unavailable) return SimulatorWire.Error(StatusCodes.Status503ServiceUnavailable, 20503, "Service Unavailable");
        return to == ThrottledOnce && ledger.ThrottleFirst(throttleKey)
            ? SimulatorWire.Error(StatusCodes.Status429TooManyRequests, 20429, "Too Many Requests")
            : null;
    }
}

// Ours: the outbox must tell not sent, uncertain and refused apart; the SDK's ApiException cannot (a 5xx arrives as status 0).
namespace App.Twilio;

/// <summary>
/// Base of every failure <see cref="TwilioRest"/> reports. <see cref="IsRetryable"/> says whether repeating the same
/// call later is safe and may succeed; <see cref="TwilioUncertainException"/> is never retryable (reconcile first).
/// See docs/twilio.md, "Errors and what is safe to retry".
/// </summary>
public abstract class TwilioException : Exception
{
    protected TwilioException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public abstract bool IsRetryable { get; }
}

/// <summary>
/// Twilio answered with an error status. <see cref="Exception.Message"/> is Twilio's own message; both the
/// flat 2010 body (<c>code, message, more_info, status</c>) and the RFC 9457 problem body are read.
/// </summary>
public sealed class TwilioApiException : TwilioException
{
    public TwilioApiException(int httpStatus, int? code, string message, string? moreInfo = null, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        HttpStatus = httpStatus;
        Code = code;
        MoreInfo = moreInfo;
        RetryAfter = retryAfter;
    }

    public int HttpStatus { get; }

    /// <summary>Twilio's error code, e.g. 21211 (invalid To), 21610 (opted out), 20003 (auth), 20429 (too many requests).</summary>
    public int? Code { get; }

    public string? MoreInfo { get; }

    /// <summary>The <c>Retry-After</c> Twilio sent, if any.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// 429 (not processed: safe to retry after a back-off) and 5xx (only ever thrown for reads; a create that gets a 5xx
    /// throws <see cref="TwilioUncertainException"/>).
    /// </summary>
    public override bool IsRetryable => HttpStatus is 429 or >= 500;
}

/// <summary>
/// A create (POST) whose outcome is unknown: it timed out, the connection broke after the request was sent, or Twilio
/// answered 3xx, 5xx or a 2xx that could not be read. Twilio may have created the message or call; v2010 has no
/// idempotency key, so sending again may duplicate it. Reconcile first (list by To and date, or fetch by SID) and only
/// then decide.
/// </summary>
public sealed class TwilioUncertainException : TwilioException
{
    public TwilioUncertainException(string message, int? httpStatus = null, int? code = null, Exception? innerException = null)
        : base(message, innerException)
    {
        HttpStatus = httpStatus;
        Code = code;
    }

    /// <summary>The status Twilio answered, or null when there was no answer (timeout, broken connection).</summary>
    public int? HttpStatus { get; }

    public int? Code { get; }

    public override bool IsRetryable => false;
}

/// <summary>
/// No answer from Twilio, in a case where repeating is safe: the connection could not be made (refused, DNS, TLS), so
/// the request was never sent — for any method — or a read (GET) timed out or broke. The inner exception is the
/// <see cref="HttpRequestException"/> or timeout. Thrown after the resilience pipeline's own retries are spent.
/// </summary>
public sealed class TwilioConnectionException : TwilioException
{
    public TwilioConnectionException(string message, bool requestSent, Exception? innerException)
        : base(message, innerException)
    {
        RequestSent = requestSent;
    }

    /// <summary>False when the failure happened while connecting, before any byte of the request left.</summary>
    public bool RequestSent { get; }

    public override bool IsRetryable => true;
}

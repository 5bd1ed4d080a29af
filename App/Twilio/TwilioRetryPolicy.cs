using System.Net.Sockets;
using Polly.Timeout;

// Ours: the SDK retries nothing, and what is safe to repeat is a promise the outbox makes.
namespace App.Twilio;

/// <summary>
/// Which failures are safe to retry in the resilience pipeline under <see cref="TwilioRest"/> (see docs/twilio.md,
/// "Errors and what is safe to retry"). Any method: 429 (Twilio did not process it) and a connection that could not be
/// made (the request never left). Reads (GET/HEAD) only: 5xx, 408 and timeouts or broken connections. A create that
/// timed out or got a 5xx may have been processed and is never resent.
/// </summary>
public static class TwilioRetryPolicy
{
    /// <summary>Longest wait honoured in-process; a longer <c>Retry-After</c> is surfaced to the caller instead.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    public static bool ShouldRetry(HttpMethod? method, HttpResponseMessage? response, Exception? exception)
    {
        if (response is not null)
        {
            var status = (int)response.StatusCode;
            if (status == 429)
            {
                return RetryAfter(response) is not { } wait || wait <= MaxRetryDelay;
            }

            return IsRead(method) && (status >= 500 || status == 408);
        }

        if (exception is null)
        {
            return false;
        }

        if (IsConnectFailure(exception))
        {
            return true;
        }

        return IsRead(method) && exception is TimeoutRejectedException or HttpRequestException or IOException;
    }

    /// <summary>Refused or failed while connecting: nothing was sent.</summary>
    public static bool IsConnectFailure(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }
                || e is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Failures that certainly happened before the request was sent (wider than what is retried in-process).</summary>
    internal static bool FailedBeforeSending(Exception exception) =>
        IsConnectFailure(exception)
        || exception is HttpRequestException
        {
            HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError,
        };

    internal static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is TimeSpan delta)
        {
            return delta;
        }

        if (header?.Date is DateTimeOffset date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static bool IsRead(HttpMethod? method) => method == HttpMethod.Get || method == HttpMethod.Head;
}

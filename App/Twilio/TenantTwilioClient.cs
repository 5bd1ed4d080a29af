using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Polly.Timeout;
using SdkHttpClient = global::Twilio.Http.HttpClient;
using SdkHttpMethod = global::Twilio.Http.HttpMethod;
using SdkRequest = global::Twilio.Http.Request;
using SdkResponse = global::Twilio.Http.Response;
using JsonContentType = global::Twilio.Constant.EnumConstants.ContentTypeEnum;
using ITwilioRestClient = global::Twilio.Clients.ITwilioRestClient;

// Ours: the SDK's own client cannot tell "not sent" from "may have been created", nor use our base URL, pipeline or cancellation.
namespace App.Twilio;

/// <summary>
/// The <see cref="ITwilioRestClient"/> the SDK's resource classes send through, for one tenant and one call. It takes
/// the <c>Request</c> the SDK wrote, sends it on our <see cref="HttpClient"/> (base URL from <c>Twilio:ApiBaseUrl</c>,
/// resilience pipeline underneath, the call's cancellation) and reads the answer our way:
/// <list type="bullet">
///   <item>no connection could be made → <see cref="TwilioConnectionException"/> (nothing was sent);</item>
///   <item>a POST that timed out, broke off, got a 3xx or 5xx, or a 2xx that is not JSON → <see cref="TwilioUncertainException"/>;</item>
///   <item>a GET that timed out or broke off → <see cref="TwilioConnectionException"/> (safe to repeat);</item>
///   <item>any other non-2xx → <see cref="TwilioApiException"/> with Twilio's code, message, more_info and Retry-After.</item>
/// </list>
/// One instance per call: it holds the tenant's secret and the call's token, and is never shared.
/// </summary>
/// <remarks>
/// The SDK writes every URL for <c>https://api.twilio.com</c>; it is sent to the configured base URL instead (the
/// simulator, a stand-in, Twilio itself), and a request for any other host is refused, so tenant credentials go nowhere
/// else. The synchronous entry points throw: they would block a thread (see docs/twilio.md, "REST resources").
/// </remarks>
internal sealed class TenantTwilioClient(HttpClient http, TwilioCredentials credentials, CancellationToken cancellationToken)
    : SdkHttpClient, ITwilioRestClient
{
    public const string UserAgent = "switchboard/1.0";

    /// <summary>The only origin the SDK's v2010 resources write; anything else is refused.</summary>
    public static readonly Uri SdkOrigin = new("https://api.twilio.com");

    private const int MaxErrorTextLength = 500;

    private static readonly string SdkUserAgent =
        "twilio-csharp/" + typeof(SdkRequest).Assembly.GetName().Version?.ToString(3);

    public string AccountSid { get; } = credentials.AccountSid;

    public string? Region => null;

    SdkHttpClient ITwilioRestClient.HttpClient => this;

    public SdkResponse Request(SdkRequest request) => throw Blocking();

    public Task<SdkResponse> RequestAsync(SdkRequest request) => MakeRequestAsync(request);

    public override SdkResponse MakeRequest(SdkRequest request) => throw Blocking();

    public override async Task<SdkResponse> MakeRequestAsync(SdkRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Only GETs are repeated freely; anything else may have changed something at Twilio (see TwilioRetryPolicy).
        var isCreate = !Equals(request.Method, SdkHttpMethod.Get);
        var url = Rewrite(request.ConstructUrl());
        var operation = $"{request.Method} {url.AbsolutePath}";

        using var message = new HttpRequestMessage(new HttpMethod(request.Method.ToString()), url);
        message.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.Username}:{credentials.Secret}")));
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        message.Headers.AcceptCharset.Add(new StringWithQualityHeaderValue("utf-8"));
        message.Headers.UserAgent.ParseAdd(UserAgent);
        message.Headers.UserAgent.ParseAdd(SdkUserAgent);
        foreach (var (name, value) in request.HeaderParams) message.Headers.TryAddWithoutValidation(name, value);
        if (Equals(request.Method, SdkHttpMethod.Post))
        {
            message.Content = Equals(request.ContentType, JsonContentType.JSON)
                ? new StringContent(request.Body ?? "", Encoding.UTF8, "application/json")
                : new FormUrlEncodedContent(request.PostParams);
        }

        HttpResponseMessage? response = null;
        string body;
        try
        {
            response = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            response?.Dispose();
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or OperationCanceledException or IOException)
        {
            response?.Dispose();
            throw TransportFailure(operation, isCreate, ex);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                if (status == 204 || IsJsonObject(body))
                {
                    // Kept as the SDK's own clients keep it: the list reader pages on from the last answer.
                    LastResponse = new SdkResponse(response.StatusCode, body, response.Headers);
                    return LastResponse;
                }

                var unreadable = $"Twilio answered {status} to {operation} with a body that could not be read.";
                // The create happened but its SID is unknown: the caller must reconcile rather than send again.
                throw isCreate ? new TwilioUncertainException(unreadable, status) : new TwilioApiException(status, null, unreadable);
            }

            var (code, text, moreInfo) = TwilioErrorBody.Parse(body, response.ReasonPhrase, status);
            if (isCreate && status is (>= 300 and < 400) or >= 500)
            {
                throw new TwilioUncertainException($"Twilio answered {status} to {operation}; it may have been processed: {text}", status, code);
            }

            throw new TwilioApiException(status, code, text, moreInfo, TwilioRetryPolicy.RetryAfter(response));
        }
    }

    /// <summary>True for a URL the SDK wrote for Twilio's REST API (the only host tenant credentials may go to).</summary>
    public static bool IsSdkUrl(Uri url) =>
        url.IsAbsoluteUri && Uri.Compare(url, SdkOrigin, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>
    /// <c>https://api.twilio.com/2010-04-01/...</c> → the same path and query under the configured base URL. A base URL
    /// with a path prefix (the simulator's <c>/twilio-sim</c>) may or may not be echoed in a next-page URI already.
    /// </summary>
    private Uri Rewrite(Uri url)
    {
        if (!IsSdkUrl(url))
        {
            throw new InvalidOperationException($"Refusing to send Twilio credentials to {url.GetLeftPart(UriPartial.Authority)}: only the configured Twilio:ApiBaseUrl is used.");
        }

        var baseUri = http.BaseAddress ?? SdkOrigin;
        var prefix = baseUri.AbsolutePath.TrimEnd('/');
        var pathAndQuery = url.PathAndQuery;
        var target = prefix.Length > 0 && pathAndQuery.StartsWith(prefix + "/", StringComparison.Ordinal) ? pathAndQuery : prefix + pathAndQuery;
        return new Uri(baseUri.GetLeftPart(UriPartial.Authority) + target);
    }

    private static TwilioException TransportFailure(string operation, bool isCreate, Exception ex)
    {
        var what = ex is TimeoutRejectedException or OperationCanceledException ? "timed out" : "failed";
        if (TwilioRetryPolicy.FailedBeforeSending(ex))
        {
            return new TwilioConnectionException($"Could not connect to Twilio for {operation}; the request was not sent.", requestSent: false, ex);
        }

        return isCreate
            ? new TwilioUncertainException($"{operation} {what} without an answer; Twilio may have processed it.", innerException: ex)
            : new TwilioConnectionException($"{operation} {what} without an answer.", requestSent: true, ex);
    }

    private static bool IsJsonObject(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static NotSupportedException Blocking() =>
        new("Synchronous Twilio calls block a thread: use the SDK's async methods through TwilioRest.");

    internal static string Truncate(string text) =>
        text.Length <= MaxErrorTextLength ? text : text[..MaxErrorTextLength] + "…";
}

/// <summary>Reads Twilio error bodies: the flat 2010 shape and RFC 9457 problem details (see docs/twilio.md, "Errors and what is safe to retry").</summary>
internal static class TwilioErrorBody
{
    internal static (int? Code, string Message, string? MoreInfo) Parse(string body, string? reasonPhrase, int status)
    {
        var fallback = string.IsNullOrWhiteSpace(body)
            ? $"HTTP {status} {reasonPhrase}".TrimEnd()
            : $"HTTP {status}: {TenantTwilioClient.Truncate(body.Trim())}";
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, fallback, null);
            }

            var code = Int(root, "code");
            var message = String(root, "message") ?? String(root, "detail") ?? String(root, "title") ?? fallback;
            var moreInfo = String(root, "more_info") ?? (String(root, "type") is { } type && type != "about:blank" ? type : null);
            return (code, message, moreInfo);
        }
        catch (JsonException)
        {
            return (null, fallback, null);
        }
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : null;

    private static int? Int(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt32(out var number) => number,
            JsonValueKind.String when int.TryParse(value.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
    }
}

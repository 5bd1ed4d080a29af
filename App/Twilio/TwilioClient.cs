using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Polly.Timeout;

namespace App.Twilio;

/// <summary>
/// A hand-written client for the parts of Twilio's 2010-04-01 REST API this product uses (FACTS §0–§3). Register it
/// with <see cref="TwilioServiceCollectionExtensions.AddTwilioClient"/>; credentials are passed per call, since each
/// tenant has its own account.
/// </summary>
/// <remarks>
/// Failures are reported as <see cref="TwilioException"/> subclasses:
/// <list type="bullet">
///   <item><see cref="TwilioApiException"/>: Twilio answered with an error (4xx, or 5xx on a read).</item>
///   <item><see cref="TwilioUncertainException"/>: a create timed out, broke after sending, or got a 5xx — it may exist.</item>
///   <item><see cref="TwilioConnectionException"/>: no answer, and repeating is safe (never connected, or a read).</item>
/// </list>
/// Cancelling through the token throws <see cref="OperationCanceledException"/> as usual; a create cancelled while in
/// flight has an unknown outcome, like <see cref="TwilioUncertainException"/>.
/// </remarks>
public sealed class TwilioClient
{
    public const string DefaultBaseUrl = "https://api.twilio.com";
    public const string UserAgent = "switchboard/1.0";
    private const string ApiRoot = "/2010-04-01";
    private const int MaxErrorTextLength = 500;

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    private readonly HttpClient _http;
    private readonly string _baseUrl;
    private readonly Uri _origin;

    public TwilioClient(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        var baseUri = http.BaseAddress ?? new Uri(DefaultBaseUrl);
        _baseUrl = baseUri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        _origin = new Uri(baseUri.GetLeftPart(UriPartial.Authority));
    }

    public Task<TwilioMessage> CreateMessageAsync(TwilioCredentials credentials, CreateMessageRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var form = request.ToForm();
        return SendAsync<TwilioMessage>(HttpMethod.Post, AccountUrl(credentials, "Messages.json"), credentials, form, cancellationToken);
    }

    public Task<TwilioCall> CreateCallAsync(TwilioCredentials credentials, CreateCallRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var form = request.ToForm();
        return SendAsync<TwilioCall>(HttpMethod.Post, AccountUrl(credentials, "Calls.json"), credentials, form, cancellationToken);
    }

    public Task<TwilioMessage> FetchMessageAsync(TwilioCredentials credentials, string messageSid, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(messageSid);
        var url = AccountUrl(credentials, $"Messages/{Uri.EscapeDataString(messageSid)}.json");
        return SendAsync<TwilioMessage>(HttpMethod.Get, url, credentials, null, cancellationToken);
    }

    public Task<TwilioCall> FetchCallAsync(TwilioCredentials credentials, string callSid, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callSid);
        var url = AccountUrl(credentials, $"Calls/{Uri.EscapeDataString(callSid)}.json");
        return SendAsync<TwilioCall>(HttpMethod.Get, url, credentials, null, cancellationToken);
    }

    /// <summary>Lists messages, newest first, following <c>next_page_uri</c> for at most <paramref name="maxPages"/> pages.</summary>
    public async Task<TwilioList<TwilioMessage>> ListMessagesAsync(
        TwilioCredentials credentials, MessageListFilter? filter = null, int maxPages = 5, CancellationToken cancellationToken = default)
    {
        var first = WithQuery(AccountUrl(credentials, "Messages.json"), (filter ?? new MessageListFilter()).ToQuery());
        var items = new List<TwilioMessage>();
        var hasMore = await ReadPagesAsync<TwilioMessagePage>(first, credentials, maxPages, page =>
        {
            items.AddRange(page.Messages);
            return page.NextPageUri;
        }, cancellationToken);
        return new TwilioList<TwilioMessage>(items, hasMore);
    }

    /// <summary>Lists calls, newest first, following <c>next_page_uri</c> for at most <paramref name="maxPages"/> pages.</summary>
    public async Task<TwilioList<TwilioCall>> ListCallsAsync(
        TwilioCredentials credentials, CallListFilter? filter = null, int maxPages = 5, CancellationToken cancellationToken = default)
    {
        var first = WithQuery(AccountUrl(credentials, "Calls.json"), (filter ?? new CallListFilter()).ToQuery());
        var items = new List<TwilioCall>();
        var hasMore = await ReadPagesAsync<TwilioCallPage>(first, credentials, maxPages, page =>
        {
            items.AddRange(page.Calls);
            return page.NextPageUri;
        }, cancellationToken);
        return new TwilioList<TwilioCall>(items, hasMore);
    }

    /// <returns>True when Twilio reported a further page that was not read (page bound reached or refused origin).</returns>
    private async Task<bool> ReadPagesAsync<TPage>(
        Uri first, TwilioCredentials credentials, int maxPages, Func<TPage, string?> consume, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPages, 100);

        Uri? next = first;
        string? nextPageUri = null;
        for (var page = 0; page < maxPages && next is not null; page++)
        {
            var content = await SendAsync<TPage>(HttpMethod.Get, next, credentials, null, cancellationToken);
            nextPageUri = consume(content);
            next = NextPage(nextPageUri);
        }

        return !string.IsNullOrEmpty(nextPageUri);
    }

    /// <summary>
    /// <c>next_page_uri</c> is a path relative to the API host. It is only followed on the configured origin, so tenant
    /// credentials are never sent elsewhere; an absolute URL to another origin ends the listing.
    /// </summary>
    private Uri? NextPage(string? nextPageUri)
    {
        if (string.IsNullOrEmpty(nextPageUri))
        {
            return null;
        }

        if (Uri.TryCreate(nextPageUri, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            return Uri.Compare(absolute, _origin, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
                ? absolute
                : null;
        }

        if (!nextPageUri.StartsWith('/'))
        {
            return null;
        }

        // A base URL with a path prefix (the simulator) may or may not echo its prefix in next_page_uri.
        var prefix = _baseUrl[_origin.GetLeftPart(UriPartial.Authority).Length..];
        return prefix.Length > 0 && nextPageUri.StartsWith(prefix + "/", StringComparison.Ordinal)
            ? new Uri(_origin, nextPageUri)
            : new Uri(_baseUrl + nextPageUri);
    }

    private Uri AccountUrl(TwilioCredentials credentials, string resource)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrWhiteSpace(credentials.AccountSid, nameof(credentials));
        return new Uri($"{_baseUrl}{ApiRoot}/Accounts/{Uri.EscapeDataString(credentials.AccountSid)}/{resource}");
    }

    private static Uri WithQuery(Uri url, List<KeyValuePair<string, string>> query)
    {
        if (query.Count == 0)
        {
            return url;
        }

        // Names such as "DateSent>" are escaped like values: DateSent%3E=2024-01-31.
        var text = string.Join('&', query.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        return new Uri(url + "?" + text);
    }

    private async Task<T> SendAsync<T>(
        HttpMethod method, Uri url, TwilioCredentials credentials, List<KeyValuePair<string, string>>? form, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(credentials.Username, nameof(credentials));
        ArgumentNullException.ThrowIfNull(credentials.Secret, nameof(credentials));
        var isCreate = method == HttpMethod.Post;
        var operation = $"{method} {url.AbsolutePath}";

        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.Username}:{credentials.Secret}")));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.AcceptCharset.Add(new StringWithQualityHeaderValue("utf-8"));
        request.Headers.UserAgent.ParseAdd(UserAgent);
        if (form is not null)
        {
            request.Content = new FormUrlEncodedContent(form);
        }

        HttpResponseMessage? response = null;
        string body;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
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
            if (response.IsSuccessStatusCode)
            {
                return Deserialize<T>(body, status, operation, isCreate);
            }

            var (code, message, moreInfo) = TwilioErrorBody.Parse(body, response.ReasonPhrase, status);
            if (isCreate && status >= 500)
            {
                throw new TwilioUncertainException($"Twilio answered {status} to {operation}; it may have been processed: {message}", status, code);
            }

            throw new TwilioApiException(status, code, message, moreInfo, TwilioRetryPolicy.RetryAfter(response));
        }
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

    private static T Deserialize<T>(string body, int status, string operation, bool isCreate)
    {
        try
        {
            var value = JsonSerializer.Deserialize<T>(body, JsonOptions);
            if (value is not null)
            {
                return value;
            }
        }
        catch (JsonException)
        {
            // Reported below.
        }

        var message = $"Twilio answered {status} to {operation} with a body that could not be read.";
        // The create succeeded but its SID is unknown: the caller must reconcile rather than send again.
        throw isCreate
            ? new TwilioUncertainException(message, status)
            : new TwilioApiException(status, null, message);
    }

    internal static string Truncate(string text) =>
        text.Length <= MaxErrorTextLength ? text : text[..MaxErrorTextLength] + "…";
}

/// <summary>Reads Twilio error bodies: the flat 2010 shape and RFC 9457 problem details (FACTS §3.1).</summary>
internal static class TwilioErrorBody
{
    internal static (int? Code, string Message, string? MoreInfo) Parse(string body, string? reasonPhrase, int status)
    {
        var fallback = string.IsNullOrWhiteSpace(body)
            ? $"HTTP {status} {reasonPhrase}".TrimEnd()
            : $"HTTP {status}: {TwilioClient.Truncate(body.Trim())}";
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

namespace App.Twilio.Simulator;

/// <param name="Status">The HTTP status, or null when there was no answer.</param>
public sealed record SimulatorResponse(int? Status, string? ContentType, string Body, string? Error)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}

/// <summary>
/// The simulator's outgoing requests, made like Twilio makes them: form POST (or GET with the fields in the query),
/// <c>X-Twilio-Signature</c> over the exact URL and fields with the tenant's auth token, and one retry when the
/// connection could not be made (Twilio's default <c>rc=1</c>); timeouts and error statuses are not retried.
/// </summary>
public sealed class SimulatorHttp(IHttpClientFactory httpClientFactory, SimulatorLedger ledger, ILogger<SimulatorHttp> logger)
{
    private const int MaxBodyKept = 64 * 1024;
    private const string ConnectFailed = "connection failed";

    public async Task<SimulatorResponse> SendSignedAsync(
        string kind, string url, string? method, IReadOnlyList<KeyValuePair<string, string>> parameters, string authToken,
        CancellationToken cancellationToken)
    {
        // Connection-override fragments (#rc=...) never reach the server and are not signed.
        var target = url.Split('#', 2)[0];
        var isGet = string.Equals(method, "GET", StringComparison.OrdinalIgnoreCase);
        if (isGet && parameters.Count > 0)
        {
            var query = string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
            target += (target.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;
        }

        var signature = TwilioSignature.Compute(target, isGet ? null : parameters, authToken);
        var idempotencyToken = Guid.NewGuid().ToString("N");
        var (response, attempts) = await SendWithOneRetryAsync(() =>
        {
            var request = new HttpRequestMessage(isGet ? HttpMethod.Get : HttpMethod.Post, target);
            request.Headers.TryAddWithoutValidation(TwilioSignature.HeaderName, signature);
            request.Headers.TryAddWithoutValidation("I-Twilio-Idempotency-Token", idempotencyToken);
            request.Headers.Accept.ParseAdd("*/*");
            if (!isGet) request.Content = new FormUrlEncodedContent(parameters);
            return request;
        }, readBody: true, cancellationToken);

        Record(kind, isGet ? "GET" : "POST", target, parameters, response, attempts);
        return response;
    }

    /// <summary>A <c>&lt;Play&gt;</c> fetch: a plain GET (Twilio sends no parameters), headers only.</summary>
    public async Task<SimulatorResponse> GetMediaAsync(string url, CancellationToken cancellationToken)
    {
        var (response, attempts) = await SendWithOneRetryAsync(() => new HttpRequestMessage(HttpMethod.Get, url), readBody: false, cancellationToken);
        Record("media", "GET", url, [], response, attempts);
        return response;
    }

    private async Task<(SimulatorResponse Response, int Attempts)> SendWithOneRetryAsync(
        Func<HttpRequestMessage> build, bool readBody, CancellationToken cancellationToken)
    {
        var client = httpClientFactory.CreateClient(SimulatorServices.CallbackClientName);
        for (var attempt = 1; ; attempt++)
        {
            using var request = build();
            var response = await SendAsync(client, request, readBody, cancellationToken);
            if (response.Error != ConnectFailed || attempt == 2) return (response, attempt);
        }
    }

    private static async Task<SimulatorResponse> SendAsync(HttpClient client, HttpRequestMessage request, bool readBody, CancellationToken cancellationToken)
    {
        try
        {
            // Bodies are buffered within the client's limits (size and timeout); media is checked by its headers only.
            var completion = readBody ? HttpCompletionOption.ResponseContentRead : HttpCompletionOption.ResponseHeadersRead;
            using var response = await client.SendAsync(request, completion, cancellationToken);
            var contentType = response.Content.Headers.ContentType?.ToString();
            var body = readBody ? await ReadBodyAsync(response, cancellationToken) : "";
            return new SimulatorResponse((int)response.StatusCode, contentType, body, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException && TwilioRetryPolicy.IsConnectFailure(ex))
        {
            return new SimulatorResponse(null, null, "", ConnectFailed);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            return new SimulatorResponse(null, null, "", "timed out");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return new SimulatorResponse(null, null, "", ex.Message);
        }
    }

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return text.Length <= MaxBodyKept ? text : text[..MaxBodyKept];
    }

    private void Record(string kind, string method, string url, IReadOnlyList<KeyValuePair<string, string>> parameters, SimulatorResponse response, int attempts)
    {
        ledger.RecordDelivery(new SimulatorDelivery(kind, method, url, parameters, response.Status, response.Error, attempts, DateTimeOffset.UtcNow));
        if (response.IsSuccess)
        {
            logger.LogDebug("Twilio simulator {Kind} {Method} {Url} answered {Status}", kind, method, RedactQuery(url), response.Status);
        }
        else
        {
            logger.LogWarning("Twilio simulator {Kind} {Method} {Url} failed: {Status} {Error}", kind, method, RedactQuery(url), response.Status, response.Error);
        }
    }

    private static string RedactQuery(string url) => url.Split('?', 2)[0];
}

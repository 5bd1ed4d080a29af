using System.Net;
using System.Text;

namespace App.Tests.Twilio;

/// <summary>A request as it reached the wire, captured before the client disposes it.</summary>
public sealed record CapturedRequest(
    HttpMethod Method,
    Uri Uri,
    string? Authorization,
    string Accept,
    string AcceptCharset,
    string UserAgent,
    string? ContentType,
    string? Body)
{
    public IReadOnlyList<KeyValuePair<string, string>> Form => FormData.Parse(Body ?? "");

    public IReadOnlyList<KeyValuePair<string, string>> Query => FormData.Parse(Uri.Query.TrimStart('?'));
}

/// <summary>Answers requests from a script of responders, in order; the last one repeats.</summary>
public sealed class FakeTwilioHandler : HttpMessageHandler
{
    private readonly List<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> _script;
    private readonly List<CapturedRequest> _requests = [];

    public FakeTwilioHandler(params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] script) => _script = [.. script];

    public IReadOnlyList<CapturedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Respond(
        HttpStatusCode status, string body = "", Action<HttpResponseMessage>? configure = null) =>
        (_, _) =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            configure?.Invoke(response);
            return Task.FromResult(response);
        };

    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Throw(Exception exception) =>
        (_, _) => Task.FromException<HttpResponseMessage>(exception);

    /// <summary>Never answers until cancelled, like a server that hangs.</summary>
    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Hang() =>
        async (_, cancellationToken) =>
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        int index;
        lock (_requests)
        {
            _requests.Add(new CapturedRequest(
                request.Method,
                request.RequestUri!,
                request.Headers.Authorization?.ToString(),
                request.Headers.Accept.ToString(),
                request.Headers.AcceptCharset.ToString(),
                request.Headers.UserAgent.ToString(),
                request.Content?.Headers.ContentType?.MediaType,
                body));
            index = Math.Min(_requests.Count - 1, _script.Count - 1);
        }

        var response = await _script[index](request, cancellationToken);
        response.RequestMessage ??= request;
        return response;
    }
}

public static class FormData
{
    /// <summary>Decodes <c>a=1&amp;b=2</c> into pairs, keeping repeated keys and their order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string text) =>
        [.. text.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? "" : pair[(eq + 1)..];
            return new KeyValuePair<string, string>(Decode(name), Decode(value));
        })];

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}

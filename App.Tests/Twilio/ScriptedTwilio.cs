using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using App.Twilio;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace App.Tests.Twilio;

/// <summary>A request as it reached the stand-in's socket.</summary>
public sealed record CapturedRequest(
    string Method, Uri Uri, string? Authorization, string Accept, string AcceptCharset, string UserAgent, string? ContentType, string Body)
{
    public IReadOnlyList<KeyValuePair<string, string>> Form => FormData.Parse(Body);

    public IReadOnlyList<KeyValuePair<string, string>> Query => FormData.Parse(Uri.Query.TrimStart('?'));
}

/// <summary>
/// A stand-in for api.twilio.com on a loopback socket that answers from a script, in order (the last step repeats),
/// and records each request as it arrived. Steps can answer, hang until the client gives up, or break the connection
/// off after reading the request. <see cref="StartAsync()"/> may come late: until then the port refuses connections.
/// </summary>
public sealed class ScriptedTwilio : IAsyncDisposable
{
    private readonly Func<HttpContext, Task>[] _script;
    private readonly ConcurrentQueue<CapturedRequest> _requests = new();
    private WebApplication? _app;

    public ScriptedTwilio(params Func<HttpContext, Task>[] script)
    {
        _script = script;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public IReadOnlyList<CapturedRequest> Requests => [.. _requests];

    /// <summary>
    /// The number of requests once none has arrived for half a second: a client that gave up on a timeout may have
    /// sent a request the server has not read yet.
    /// </summary>
    public async Task<int> SettledRequestCountAsync()
    {
        var count = -1;
        while (count != _requests.Count)
        {
            count = _requests.Count;
            await Task.Delay(500);
        }

        return count;
    }

    public static async Task<ScriptedTwilio> StartAsync(params Func<HttpContext, Task>[] script)
    {
        var twilio = new ScriptedTwilio(script);
        await twilio.StartAsync();
        return twilio;
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(BaseUrl);
        var app = builder.Build();
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers;
            var target = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
            _requests.Enqueue(new CapturedRequest(
                context.Request.Method, new Uri(BaseUrl + target), headers.Authorization.FirstOrDefault(), headers.Accept.ToString(),
                headers.AcceptCharset.ToString(), headers.UserAgent.ToString(), context.Request.ContentType?.Split(';')[0], body));
            await _script[Math.Min(_requests.Count, _script.Length) - 1](context);
        });
        await app.StartAsync();
        _app = app;
    }

    public static Func<HttpContext, Task> Respond(int status, string body = "", Action<HttpResponse>? configure = null) =>
        async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json; charset=utf-8";
            configure?.Invoke(context.Response);
            await context.Response.WriteAsync(body);
        };

    /// <summary>No answer until the client gives up (or 30 s).</summary>
    public static Func<HttpContext, Task> Hang() =>
        async context =>
        {
            try { await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted); }
            catch (OperationCanceledException) { /* the client gave up, as intended */ }
        };

    /// <summary>The request was read; the connection is dropped without an answer.</summary>
    public static Func<HttpContext, Task> BreakOff() =>
        context =>
        {
            context.Abort();
            return Task.CompletedTask;
        };

    /// <summary>
    /// <see cref="TwilioRest"/> as the app registers it (resilience pipeline included), pointed at <paramref name="baseUrl"/>.
    /// Dispose the provider after the test.
    /// </summary>
    public static ServiceProvider Services(string baseUrl, int maxRetries = 0, double timeoutSeconds = 5, int retryBaseDelayMs = 1)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Twilio:ApiBaseUrl"] = baseUrl,
            ["Twilio:MaxRetries"] = maxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Twilio:TimeoutSeconds"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Twilio:RetryBaseDelayMs"] = retryBaseDelayMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        var services = new ServiceCollection();
        services.AddTwilioRest(configuration);
        return services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is null) return;
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1))) await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
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

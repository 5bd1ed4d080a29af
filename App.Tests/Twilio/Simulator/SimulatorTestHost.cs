using System.Collections.Concurrent;
using App.Tests.Support;
using App.Twilio;
using App.Twilio.Simulator;
using global::Twilio.Rest.Api.V2010.Account;
using global::Twilio.Types;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace App.Tests.Twilio.Simulator;

/// <summary>
/// The app on a real socket with fast simulator steps and fast client retries, plus <see cref="CallbackCapture"/>:
/// a middleware in front of everything that answers <c>/test-callbacks/*</c> and <c>/webhooks/twilio/*</c> and keeps
/// each request as it arrived, so signatures can be checked against the exact URL.
/// </summary>
public class SimulatorAppFactory : KestrelAppFactory
{
    public SimulatorAppFactory()
    {
        Settings["Twilio:Simulator:StepDelayMs"] = "20";
        Settings["Twilio:Simulator:CallbackTimeoutMs"] = "3000";
        Settings["Twilio:RetryBaseDelayMs"] = "10";
    }

    public CallbackCapture Capture { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new CaptureStartupFilter(Capture)));
    }

    /// <summary>The app's own <see cref="TwilioRest"/>, as the app resolves it (a typed client: from a scope).</summary>
    public TwilioRest TwilioRest()
    {
        _ = BaseAddress;
        return Services.CreateScope().ServiceProvider.GetRequiredService<TwilioRest>();
    }

    /// <summary>An absolute URL on this app for a capture path such as "/test-callbacks/sms/abc?x=1".</summary>
    public string UrlFor(string pathAndQuery) => BaseAddress.GetLeftPart(UriPartial.Authority) + pathAndQuery;

    public SimulatorLedger Ledger => Service<SimulatorLedger>();

    private sealed class CaptureStartupFilter(CallbackCapture capture) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (!await capture.TryHandleAsync(context)) await nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>The SDK's options for the sends these tests make.</summary>
public static class SimulatorSends
{
    public static CreateMessageOptions Sms(string to, string body, string? statusCallback = null) =>
        new(new PhoneNumber(to))
        {
            From = new PhoneNumber(SimulatedAccounts.DefaultFromNumber),
            Body = body,
            StatusCallback = statusCallback is null ? null : new Uri(statusCallback),
        };

    public static CreateCallOptions Call(
        string to, string? url = null, string? twiml = null, string? method = null, string? statusCallback = null, IReadOnlyList<string>? events = null) =>
        new(new PhoneNumber(to), new PhoneNumber(SimulatedAccounts.DefaultFromNumber))
        {
            Url = url is null ? null : new Uri(url),
            Twiml = twiml is null ? null : new Twiml(twiml),
            Method = method is null ? null : new global::Twilio.Http.HttpMethod(method),
            StatusCallback = statusCallback is null ? null : new Uri(statusCallback),
            StatusCallbackEvent = events is null ? null : [.. events],
        };

    /// <summary>Twilio's RFC 2822 timestamps, as in callbacks.</summary>
    public static DateTimeOffset Rfc2822(string text) =>
        DateTimeOffset.ParseExact(text, "ddd, dd MMM yyyy HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A request the simulator made to the app, as it arrived.</summary>
/// <param name="Url">Scheme, host and the raw request target: the URL the signature must cover.</param>
public sealed record CapturedCallback(
    string Method, string Path, string Url, IReadOnlyList<KeyValuePair<string, string>> Form, IReadOnlyList<KeyValuePair<string, string>> Query,
    string? Signature, string? ContentType)
{
    public string? this[string name] => Form.Concat(Query).Where(p => p.Key == name).Select(p => p.Value).FirstOrDefault();

    public bool IsSignedWith(string authToken) =>
        TwilioSignature.IsValid(Url, Method == "GET" ? null : Form, authToken, Signature);
}

public sealed class CallbackCapture
{
    public const string Prefix = "/test-callbacks";

    private readonly ConcurrentQueue<CapturedCallback> _hits = new();
    private readonly ConcurrentDictionary<string, (int Status, string? ContentType, string Body)> _responders = new(StringComparer.Ordinal);

    /// <summary>How the capture answers requests to <paramref name="path"/> (by default: 200, empty).</summary>
    public void Respond(string path, int status, string? contentType, string body = "") => _responders[path] = (status, contentType, body);

    public IReadOnlyList<CapturedCallback> Hits(string path) => [.. _hits.Where(h => h.Path == path)];

    /// <summary>Waits until <paramref name="count"/> requests reached <paramref name="path"/> (10 s at most).</summary>
    public async Task<IReadOnlyList<CapturedCallback>> WaitForAsync(string path, int count)
    {
        await Eventually.TrueAsync(() => Hits(path).Count >= count, $"{count} request(s) to {path}; got {Hits(path).Count}");
        return Hits(path);
    }

    internal async Task<bool> TryHandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (!path.StartsWith(Prefix + "/", StringComparison.Ordinal) && !path.StartsWith("/webhooks/twilio/", StringComparison.Ordinal)) return false;

        var form = new List<KeyValuePair<string, string>>();
        if (context.Request.HasFormContentType)
        {
            foreach (var field in await context.Request.ReadFormAsync())
            {
                form.AddRange(field.Value.Select(v => new KeyValuePair<string, string>(field.Key, v ?? "")));
            }
        }

        var query = context.Request.Query.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? ""))).ToList();
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        _hits.Enqueue(new CapturedCallback(
            context.Request.Method, path, $"{context.Request.Scheme}://{context.Request.Host}{rawTarget}", form, query,
            context.Request.Headers[TwilioSignature.HeaderName].FirstOrDefault(), context.Request.ContentType));

        var (status, contentType, body) = _responders.TryGetValue(path, out var responder) ? responder
            : path.EndsWith("/voice", StringComparison.Ordinal) ? (200, "application/xml", "<Response><Say>Hello from the capture.</Say></Response>")
            : path.StartsWith("/webhooks/", StringComparison.Ordinal) ? (200, "application/xml", "<Response/>")
            : (200, null, "");
        context.Response.StatusCode = status;
        if (contentType is not null) context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body);
        return true;
    }
}

public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"Timed out waiting for {what}.");
            await Task.Delay(10);
        }
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace App.Tests.Support;

/// <summary>
/// A stand-in for api.twilio.com on a loopback socket, for the drills that prove an accepted send reaches Twilio
/// exactly once. It records every create it makes, answers list and fetch requests from those records, and can be
/// told to misbehave the way Twilio and networks do: throttle, fail with or without creating, hang past the client's
/// timeout with or without creating, or not listen at all (connection refused).
/// </summary>
public sealed class TwilioStandIn : IAsyncDisposable
{
    public enum Fault
    {
        None,
        /// <summary>429 with code 20429: nothing created.</summary>
        Throttle,
        /// <summary>500: nothing created.</summary>
        ServerErrorNotCreated,
        /// <summary>The resource is created, then 500 (the answer is lost).</summary>
        ServerErrorAfterCreating,
        /// <summary>No answer until well past the client's timeout; nothing created.</summary>
        HangNotCreated,
        /// <summary>Created, then no answer until well past the client's timeout.</summary>
        HangAfterCreating,
    }

    public sealed record Resource(string Sid, string Kind, string To, string From, string? Body, DateTimeOffset Created);

    private readonly ConcurrentDictionary<string, Resource> _created = new();
    private readonly ConcurrentQueue<string> _createAttempts = new();
    private WebApplication? _app;

    public TwilioStandIn() => Port = FreePort();

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>How long a hanging answer waits; longer than the client's Twilio:TimeoutSeconds.</summary>
    public TimeSpan HangFor { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long every create takes before it is made (a slow Twilio keeps creates in flight).</summary>
    public TimeSpan CreateDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Decides each create's fault (kind "sms" or "call", and the form posted); no fault by default.</summary>
    public Func<string, IFormCollection, Fault> CreateFault { get; set; } = (_, _) => Fault.None;

    /// <summary>Decides the fault of list and fetch requests (only Throttle, the two 500s and the hangs apply).</summary>
    public Func<Fault> ReadFault { get; set; } = () => Fault.None;

    /// <summary>Each resource Twilio holds, however many times it was asked.</summary>
    public IReadOnlyCollection<Resource> Created => _created.Values.ToList();

    public int CreateAttempts => _createAttempts.Count;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(BaseUrl);
        var app = builder.Build();
        app.MapPost("/2010-04-01/Accounts/{account}/Messages.json", (HttpContext http, string account) => CreateAsync(http, "sms"));
        app.MapPost("/2010-04-01/Accounts/{account}/Calls.json", (HttpContext http, string account) => CreateAsync(http, "call"));
        app.MapGet("/2010-04-01/Accounts/{account}/Messages.json", (HttpContext http, string account) => ListAsync(http, "sms"));
        app.MapGet("/2010-04-01/Accounts/{account}/Calls.json", (HttpContext http, string account) => ListAsync(http, "call"));
        app.MapGet("/2010-04-01/Accounts/{account}/Messages/{sid}.json", (HttpContext http, string sid) => FetchAsync(http, sid));
        app.MapGet("/2010-04-01/Accounts/{account}/Calls/{sid}.json", (HttpContext http, string sid) => FetchAsync(http, sid));
        await app.StartAsync();
        _app = app;
    }

    /// <summary>Closes the socket: from now on connections are refused, until <see cref="StartAsync"/>.</summary>
    public async Task StopListeningAsync()
    {
        if (_app is null) return;
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1))) await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
        _app = null;
    }

    private async Task<IResult> CreateAsync(HttpContext http, string kind)
    {
        var form = await http.Request.ReadFormAsync();
        _createAttempts.Enqueue(form["To"].ToString());
        if (CreateDelay > TimeSpan.Zero) await Task.Delay(CreateDelay);
        var fault = CreateFault(kind, form);
        switch (fault)
        {
            case Fault.Throttle:
                http.Response.Headers.RetryAfter = "1";
                return Error(429, 20429, "Too Many Requests");
            case Fault.ServerErrorNotCreated:
                return Error(500, 20500, "Internal Server Error");
            case Fault.HangNotCreated:
                await Hang(http);
                return Error(500, 20500, "Internal Server Error");
        }

        var resource = new Resource(
            (kind == "sms" ? "SM" : "CA") + Guid.NewGuid().ToString("N"),
            kind, form["To"].ToString(), form["From"].ToString(), kind == "sms" ? form["Body"].ToString() : null, DateTimeOffset.UtcNow);
        _created[resource.Sid] = resource;
        switch (fault)
        {
            case Fault.ServerErrorAfterCreating:
                return Error(500, 20500, "Internal Server Error");
            case Fault.HangAfterCreating:
                await Hang(http);
                return Error(500, 20500, "Internal Server Error");
        }

        return Results.Json(Json(resource), statusCode: 201);
    }

    private async Task<IResult> ListAsync(HttpContext http, string kind)
    {
        if (await ReadFaultAsync(http) is { } refusal) return refusal;
        var to = http.Request.Query["To"].ToString();
        var from = http.Request.Query["From"].ToString();
        var items = _created.Values
            .Where(r => r.Kind == kind && (to.Length == 0 || r.To == to) && (from.Length == 0 || r.From == from))
            .OrderByDescending(r => r.Created)
            .Select(Json)
            .ToList();
        return Results.Json(new Dictionary<string, object?>
        {
            [kind == "sms" ? "messages" : "calls"] = items,
            ["page"] = 0,
            ["page_size"] = items.Count,
            // Twilio's v2010 pages carry their own uri; without it the SDK takes a page for another API's shape.
            ["uri"] = http.Request.Path + http.Request.QueryString,
            ["next_page_uri"] = null,
        });
    }

    private async Task<IResult> FetchAsync(HttpContext http, string sid)
    {
        if (await ReadFaultAsync(http) is { } refusal) return refusal;
        return _created.TryGetValue(sid, out var resource) ? Results.Json(Json(resource)) : Error(404, 20404, "The requested resource was not found");
    }

    private async Task<IResult?> ReadFaultAsync(HttpContext http)
    {
        switch (ReadFault())
        {
            case Fault.Throttle:
                return Error(429, 20429, "Too Many Requests");
            case Fault.ServerErrorNotCreated or Fault.ServerErrorAfterCreating:
                return Error(500, 20500, "Internal Server Error");
            case Fault.HangNotCreated or Fault.HangAfterCreating:
                await Hang(http);
                return Error(500, 20500, "Internal Server Error");
            default:
                return null;
        }
    }

    private async Task Hang(HttpContext http)
    {
        try { await Task.Delay(HangFor, http.RequestAborted); }
        catch (OperationCanceledException) { /* the client gave up, as intended */ }
    }

    private static IResult Error(int status, int code, string message) =>
        Results.Json(new { code, message, more_info = $"https://www.twilio.com/docs/errors/{code}", status }, statusCode: status);

    private static Dictionary<string, object?> Json(Resource resource)
    {
        var date = resource.Created.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);
        return new Dictionary<string, object?>
        {
            ["sid"] = resource.Sid,
            ["account_sid"] = "AC" + new string('0', 32),
            ["to"] = resource.To,
            ["from"] = resource.From,
            ["body"] = resource.Body,
            ["status"] = "queued",
            ["direction"] = resource.Kind == "sms" ? "outbound-api" : "outbound-api",
            ["num_segments"] = resource.Kind == "sms" ? "1" : null,
            ["date_created"] = date,
            ["date_updated"] = date,
            ["date_sent"] = resource.Kind == "sms" ? date : null,
            ["start_time"] = resource.Kind == "call" ? date : null,
            ["price"] = null,
            ["price_unit"] = "USD",
            ["api_version"] = "2010-04-01",
        };
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync() => await StopListeningAsync();
}

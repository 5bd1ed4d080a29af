using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using App.Features.Tenants;
using App.Infrastructure.Database;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace App.Tests.Support;

/// <summary>
/// The real app in a test host, with its own temporary data directory (a real SQLite file in WAL mode, real
/// migrations) per test class, the Twilio simulator, and every log event captured for assertions.
/// </summary>
public class AppFactory : WebApplicationFactory<Program>
{
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));

    public CapturedLogs Logs { get; } = new();

    /// <summary>Extra configuration for a test class (set before the first request).</summary>
    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["App:SeedDemoTenant"] = "false",
        ["Twilio:Mode"] = "Simulated",
        // The in-memory test server has no socket for the simulator to reach: classes that send use KestrelAppFactory.
        ["Outbox:Enabled"] = "false",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(DataDirectory);
        builder.UseEnvironment("Testing");
        builder.UseSetting("App:DataDirectory", DataDirectory);
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        builder.ConfigureServices(services => services.AddSingleton<ILogEventSink>(Logs));
    }

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    public Db Db => Service<Db>();

    public async Task<TestTenant> CreateTenantAsync(string name = "Acme Dental", string? id = null)
    {
        var created = await Service<TenantProvisioning>().CreateAsync(name, id ?? $"t-{Guid.NewGuid():N}"[..14]);
        return new TestTenant(created.Id, created.Name, created.ApiKey, this);
    }

    public HttpClient ClientWithKey(string apiKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-API-Key", apiKey);
        return client;
    }

    /// <summary>The operator key of test classes that call the operator API (set as Operator:ApiKey).</summary>
    public const string OperatorKey = "op_test_5b1f0c2e9a7d4e3f8c6b";

    /// <summary>A client of the operator API with the key this factory's Operator:ApiKey is set to.</summary>
    public HttpClient OperatorClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Operator-Key", Settings["Operator:ApiKey"] ?? throw new InvalidOperationException("Set Operator:ApiKey first."));
        return client;
    }

    /// <summary>Sets (or, with null, clears) the tenant's monthly spend cap, as the operator does.</summary>
    public async Task SetSpendCapAsync(TestTenant tenant, decimal? cap) =>
        await (await OperatorClient().PutJsonAsync($"/api/system/tenants/{tenant.Id}/spend-cap", new { monthly_spend_cap_usd = cap })).ShouldBeSuccessAsync();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { /* a file still held open; the OS temp cleaner will take it */ }
    }
}

public sealed record TestTenant(string Id, string Name, string ApiKey, AppFactory Factory)
{
    public HttpClient Client() => Factory.ClientWithKey(ApiKey);
}

/// <summary>Every log event the app writes, rendered as text, for "this secret never appears in the log" checks.</summary>
public sealed class CapturedLogs : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    public IReadOnlyList<LogEvent> Events => _events.ToArray();

    /// <summary>Each event as the console would print it, plus every property value and the exception.</summary>
    public string AllText()
    {
        var text = new System.Text.StringBuilder();
        foreach (var e in _events)
        {
            text.AppendLine(e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture));
            foreach (var (name, value) in e.Properties) text.Append(name).Append('=').AppendLine(value.ToString());
            if (e.Exception is not null) text.AppendLine(e.Exception.ToString());
        }

        return text.ToString();
    }
}

public static class HttpAssertions
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try { return JsonDocument.Parse(text).RootElement.Clone(); }
        catch (JsonException) { throw new ShouldAssertException($"Expected JSON but got {(int)response.StatusCode}: {text}"); }
    }

    /// <summary>Asserts the status and the error envelope, and returns the error object.</summary>
    public static async Task<JsonElement> ShouldBeErrorAsync(this HttpResponseMessage response, int status, string code)
    {
        var body = await response.JsonAsync();
        ((int)response.StatusCode).ShouldBe(status, body.ToString());
        body.GetProperty("success").GetBoolean().ShouldBeFalse();
        body.GetProperty("timestamp").GetString().ShouldEndWith("Z");
        var error = body.GetProperty("error");
        error.GetProperty("code").GetString().ShouldBe(code, body.ToString());
        error.GetProperty("message").GetString().ShouldNotBeNullOrWhiteSpace();
        return error;
    }

    /// <summary>Asserts a 2xx success envelope and returns its data.</summary>
    public static async Task<JsonElement> ShouldBeSuccessAsync(this HttpResponseMessage response, int status = 200)
    {
        var body = await response.JsonAsync();
        ((int)response.StatusCode).ShouldBe(status, body.ToString());
        body.GetProperty("success").GetBoolean().ShouldBeTrue();
        body.GetProperty("timestamp").GetString().ShouldEndWith("Z");
        return body.GetProperty("data");
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) =>
        client.PostAsJsonAsync(url, body, JsonOptions);

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, object body) =>
        client.PutAsJsonAsync(url, body, JsonOptions);

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);
}

/// <summary>
/// The app on a real Kestrel socket (loopback, a free port): for tests where the app must call itself over real
/// HTTP — the Twilio client talking to the built-in simulator, the simulator posting signed callbacks and fetching
/// TwiML, Twilio fetching media, and browsers.
/// </summary>
public class KestrelAppFactory : AppFactory
{
    public KestrelAppFactory()
    {
        UseKestrel(0);
        Settings["Outbox:Enabled"] = "true";
        Settings["Outbox:PollIntervalMs"] = "50";
        Settings["Outbox:RetryBaseDelayMs"] = "50";
        // These tests count attempts; the drills (ExactlyOnceDrills) keep the give-up time.
        Settings["Outbox:GiveUpAfterSeconds"] = "0";
        Settings["Outbox:ReconcileDelayMs"] = "100";
        Settings["Outbox:TenantSendsPerSecond"] = "200";
        Settings["Outbox:CostFetchAfterSeconds"] = "0";
        Settings["Twilio:RetryBaseDelayMs"] = "10";
        Settings["Twilio:TimeoutSeconds"] = "5";
        Settings["Twilio:Simulator:StepDelayMs"] = "20";
    }

    /// <summary>Starts the server on first use (after subclasses have set <see cref="AppFactory.Settings"/>).</summary>
    public Uri BaseAddress
    {
        get
        {
            StartServer();
            return ClientOptions.BaseAddress;
        }
    }
}

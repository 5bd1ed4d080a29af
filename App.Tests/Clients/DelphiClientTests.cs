using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using App.Tests.Support;
using App.Twilio.Simulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace App.Tests.Clients;

/// <summary>
/// The Pascal client kit in clients/delphi, compiled with Debian's Free Pascal (Delphi mode) and run as a real
/// program against the app on a loopback socket with the Twilio simulator: what a Delphi customer's program sees.
/// </summary>
public sealed class DelphiClientTests(DelphiClientTests.Kit kit) : IClassFixture<DelphiClientTests.Kit>
{
    /// <summary>The compiled programs (in a temporary directory) and the running app.</summary>
    public sealed class Kit : KestrelAppFactory, IAsyncLifetime
    {
        public string OutputDirectory { get; } = Path.Combine(Path.GetTempPath(), "switchboard-fpc", Guid.NewGuid().ToString("N"));

        public string SendAndFollow => Path.Combine(OutputDirectory, "SendAndFollow");

        public string ClientTour => Path.Combine(OutputDirectory, "ClientTour");

        public async Task InitializeAsync()
        {
            var fpc = FindFpc() ?? throw new InvalidOperationException(
                "Free Pascal is not installed (no fpc on PATH or at FPC_PATH): run 'apt-get install fp-compiler fp-units-fcl fp-units-net' (.ci/run does).");
            Directory.CreateDirectory(Path.Combine(OutputDirectory, "units"));
            var kit = Path.Combine(RepoPaths.Root, "clients", "delphi");
            // -Sew: a warning fails the build, as it does for the C# code.
            foreach (var program in new[] { "examples/SendAndFollow.dpr", "tests/ClientTour.dpr" })
            {
                // -Sew: a warning fails the build, as it does for the C# code.
                var (exitCode, output) = await RunAsync(fpc, ["-Mdelphi", "-Sew", "-vewn", $"-Fu{kit}", $"-FU{Path.Combine(OutputDirectory, "units")}",
                    $"-FE{OutputDirectory}", Path.Combine(kit, program)], new Dictionary<string, string>(), TimeSpan.FromMinutes(2));
                if (exitCode != 0 || !File.Exists(Path.Combine(OutputDirectory, Path.GetFileNameWithoutExtension(program))))
                    throw new InvalidOperationException($"fpc could not build clients/delphi/{program} (exit {exitCode}):\n{output}");
            }

            _ = BaseAddress; // start the server
        }

        private static string? FindFpc()
        {
            if (Environment.GetEnvironmentVariable("FPC_PATH") is { Length: > 0 } configured) return File.Exists(configured) ? configured : null;
            return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
                .Select(directory => Path.Combine(directory, "fpc")).FirstOrDefault(File.Exists);
        }

        async Task IAsyncLifetime.DisposeAsync()
        {
            await base.DisposeAsync();
            try { Directory.Delete(OutputDirectory, recursive: true); }
            catch (IOException) { /* the OS temp cleaner will take it */ }
        }
    }

    private sealed record Run(int ExitCode, string Output);

    /// <summary>Runs the example against <paramref name="baseUrl"/> (the app unless given), bounded in time.</summary>
    private Task<Run> SendAndFollowAsync(TestTenant tenant, string[] arguments, string? baseUrl = null) =>
        RunProgramAsync(kit.SendAndFollow, tenant, arguments, baseUrl);

    private async Task<Run> RunProgramAsync(string program, TestTenant tenant, string[] arguments, string? baseUrl = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["SWITCHBOARD_URL"] = baseUrl ?? kit.BaseAddress.ToString(),
            ["SWITCHBOARD_API_KEY"] = tenant.ApiKey,
            ["SWITCHBOARD_TIMEOUT"] = "30",
        };
        var (exitCode, output) = await RunAsync(program, arguments, environment, TimeSpan.FromSeconds(60));
        return new Run(exitCode, output);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] arguments, Dictionary<string, string> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new ShouldAssertException($"{Path.GetFileName(program)} did not finish within {timeout.TotalSeconds} s:\n{await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private static async Task<JsonElement[]> HistoryToAsync(TestTenant tenant, string to)
    {
        var data = await (await tenant.Client().GetAsync($"/api/communication/history?to={Uri.EscapeDataString(to)}")).ShouldBeSuccessAsync();
        return data.EnumerateArray().ToArray();
    }

    private int SimulatorMessagesTo(string to) => kit.Service<SimulatorLedger>().Messages.Values.Count(m => m.To == to);

    [Fact]
    public async Task The_console_example_sends_an_SMS_follows_it_to_delivered_and_prints_the_history()
    {
        var tenant = await kit.CreateTenantAsync();
        const string to = "+14155550140";

        var run = await SendAndFollowAsync(tenant, [to, "Hello {{name}}, your table is ready", "name=Zoë"]);

        run.ExitCode.ShouldBe(0, run.Output);
        run.Output.ShouldContain("Accepted: id ");
        run.Output.ShouldContain("Status: delivered (SM");
        run.Output.ShouldNotContain("Retrying");
        run.Output.ShouldNotContain("Replayed");
        run.Output.ShouldContain("History: 1 item(s), page 1 of 1");
        run.Output.ShouldContain($"sms {to} delivered: Hello Zoë, your table is ready");
        var rows = await HistoryToAsync(tenant, to);
        rows.Length.ShouldBe(1);
        rows[0].GetProperty("status").GetString().ShouldBe("delivered");
        rows[0].GetProperty("message_content").GetString().ShouldBe("Hello Zoë, your table is ready");
        rows[0].GetProperty("client_id").GetString().ShouldBe("send-and-follow");
        SimulatorMessagesTo(to).ShouldBe(1);
    }

    [Theory]
    [InlineData("12", "Hello", "to")]
    [InlineData("+14155550141", "Hello {{name}}", "variables")]
    [InlineData("+14155550142", "", "message")]
    public async Task A_refused_send_surfaces_the_error_code_and_the_failing_field(string to, string message, string field)
    {
        var tenant = await kit.CreateTenantAsync();

        var run = await SendAndFollowAsync(tenant, [to, message]);

        run.ExitCode.ShouldBe(2, run.Output);
        run.Output.ShouldContain("Refused: VALIDATION_ERROR (HTTP 400): ");
        run.Output.ShouldContain($"  field {field}: ");
        run.Output.ShouldNotContain("Retrying");
        var history = await (await tenant.Client().GetAsync("/api/communication/history")).ShouldBeSuccessAsync();
        history.GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_send_whose_answer_is_lost_is_retried_with_the_same_Idempotency_Key_and_sent_once()
    {
        var tenant = await kit.CreateTenantAsync();
        const string to = "+14155550143";
        await using var proxy = await FaultyProxy.StartAsync(kit.BaseAddress);
        // 1st send: reaches the app, which accepts it, but the connection drops before the answer gets back.
        // 2nd send: the proxy answers 503 itself. 3rd: reaches the app again, which replays its first answer.
        proxy.FailNext("POST /api/communication/sms/send", Fault.DropAnswer);
        proxy.FailNext("POST /api/communication/sms/send", Fault.ServiceUnavailable);
        // Reads are retried on 5xx too.
        proxy.FailNext("GET /api/communication/history", Fault.ServiceUnavailable);

        var run = await SendAndFollowAsync(tenant, [to, "Sent once, whatever the network does"], proxy.BaseUrl);

        run.ExitCode.ShouldBe(0, run.Output);
        run.Output.ShouldContain("Retrying (attempt 2 in ");
        run.Output.ShouldContain("Retrying (attempt 3 in ");
        run.Output.ShouldContain("Replayed: an earlier attempt of this send had been accepted; it was not sent again.");
        var keys = proxy.IdempotencyKeys("POST /api/communication/sms/send");
        keys.Count.ShouldBe(3);
        keys.Distinct().Count().ShouldBe(1);
        keys[0].ShouldNotBeNullOrWhiteSpace();
        run.Output.ShouldContain("Idempotency-Key " + keys[0]);
        proxy.Requests("GET /api/communication/history").ShouldBe(2);
        (await HistoryToAsync(tenant, to)).Length.ShouldBe(1);
        SimulatorMessagesTo(to).ShouldBe(1);
    }

    [Fact]
    public async Task A_server_that_cannot_be_reached_ends_in_a_connection_error_with_the_key_to_retry_with()
    {
        var tenant = await kit.CreateTenantAsync();
        await using var proxy = await FaultyProxy.StartAsync(kit.BaseAddress);
        var closedUrl = proxy.BaseUrl;
        await proxy.DisposeAsync(); // nothing listens there any more

        var run = await SendAndFollowAsync(tenant, ["+14155550144", "Nobody home"], closedUrl);

        run.ExitCode.ShouldBe(1, run.Output);
        run.Output.ShouldContain("Retrying (attempt 4 in ");
        run.Output.ShouldContain("No answer from ");
        run.Output.ShouldMatch(@"retry later with Idempotency-Key [0-9a-f-]{36}");
    }

    [Fact]
    public async Task The_rest_of_the_client_uploads_lists_calls_pages_the_history_and_mints_an_embed_token()
    {
        var tenant = await kit.CreateTenantAsync();
        var voice = await (await tenant.Client().PostJsonAsync("/api/voice-messages",
            new { name = "Reminder", voice_text = "Hello {{first_name}}, see you at {{time}}." })).ShouldBeSuccessAsync(201);
        var wav = AudioFixtures.Wav(1.0);
        var audioFile = Path.Combine(kit.OutputDirectory, $"greeting-{Guid.NewGuid():N}.wav");
        await File.WriteAllBytesAsync(audioFile, wav);
        const string callTo = "+14155550150", smsTo = "+14155550151";

        var run = await RunProgramAsync(kit.ClientTour, tenant, [audioFile, callTo, smsTo]);

        run.ExitCode.ShouldBe(0, run.Output);
        var lines = run.Output.Split('\n', StringSplitOptions.TrimEntries);
        string Line(string prefix) => lines.SingleOrDefault(l => l.StartsWith(prefix + ": ", StringComparison.Ordinal))?[(prefix.Length + 2)..]
            ?? throw new ShouldAssertException($"No '{prefix}:' line in:\n{run.Output}");

        var token = Uri.UnescapeDataString(new Uri(Line("embed url")).Query.Split("token=")[1]);
        using (var embedded = kit.CreateClient())
        {
            embedded.DefaultRequestHeaders.Authorization = HttpAssertions.Bearer(token);
            (await (await embedded.GetAsync("/api/tenant/profile")).ShouldBeSuccessAsync()).GetProperty("id").GetString().ShouldBe(tenant.Id);
        }

        DateTimeOffset.Parse(Line("embed expires")).ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(4), DateTimeOffset.UtcNow.AddMinutes(6));
        Line("embed permissions").Split(',').ShouldNotContain("manage_users");

        var uploadedId = long.Parse(Line("uploaded").Split(',')[0]["id ".Length..]);
        var file = await (await tenant.Client().GetAsync($"/api/files/{uploadedId}")).ShouldBeSuccessAsync();
        file.GetProperty("file_size").GetInt64().ShouldBe(wav.Length);
        file.GetProperty("description").GetString().ShouldBe("Front desk greeting");
        file.GetProperty("tag_list").EnumerateArray().Select(t => t.GetString()).ShouldBe(["greeting", "front-desk"]);
        Line("uploaded").ShouldEndWith($"wav, {wav.Length} bytes, 1.0 s, tags greeting,front-desk");

        Line("voice messages").ShouldBe("1");
        Line("voice").ShouldBe($"id {voice.GetProperty("id").GetInt64()}, Reminder, variables first_name,time");

        var calls = await HistoryToAsync(tenant, callTo);
        calls.Single().GetProperty("status").GetString().ShouldBe("completed");
        calls.Single().GetProperty("message_content").GetString().ShouldBe("Hello Ann, see you at 9 am.");
        Line("call final").ShouldBe($"completed, sid {calls.Single().GetProperty("twilio_sid").GetString()}");
        Line("calls").ShouldBe("1");

        // Newest first: page 2 of one per page is the first of the two.
        Line("sms page 2").ShouldBe("1 item(s) of 2, has_prev True, has_next False, text First of two");
        Line("not found").ShouldBe("NOT_FOUND 404");
    }

    public enum Fault { DropAnswer, ServiceUnavailable }

    /// <summary>
    /// A reverse proxy in front of the app on its own loopback port that injects scripted faults, one per request, in
    /// order, per "METHOD /path" (the query string is ignored), and records what it saw.
    /// </summary>
    private sealed class FaultyProxy : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly HttpClient _upstream;
        private readonly ConcurrentDictionary<string, ConcurrentQueue<Fault>> _faults = new();
        private readonly ConcurrentQueue<(string Route, string? IdempotencyKey)> _seen = new();
        private bool _disposed;

        private FaultyProxy(WebApplication app, Uri upstream)
        {
            _app = app;
            _upstream = new HttpClient { BaseAddress = upstream };
        }

        public string BaseUrl { get; private set; } = "";

        public static async Task<FaultyProxy> StartAsync(Uri upstream)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var proxy = new FaultyProxy(app, upstream);
            app.Run(proxy.HandleAsync);
            await app.StartAsync();
            proxy.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            return proxy;
        }

        public void FailNext(string route, Fault fault) => _faults.GetOrAdd(route, _ => new ConcurrentQueue<Fault>()).Enqueue(fault);

        public List<string?> IdempotencyKeys(string route) => _seen.Where(s => s.Route == route).Select(s => s.IdempotencyKey).ToList();

        public int Requests(string route) => _seen.Count(s => s.Route == route);

        private async Task HandleAsync(HttpContext context)
        {
            var route = $"{context.Request.Method} {context.Request.Path}";
            _seen.Enqueue((route, context.Request.Headers["Idempotency-Key"].FirstOrDefault()));
            Fault? fault = _faults.TryGetValue(route, out var queue) && queue.TryDequeue(out var next) ? next : null;

            if (fault == Fault.ServiceUnavailable)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "0";
                await context.Response.WriteAsJsonAsync(new
                {
                    success = false,
                    error = new { code = "SERVICE_UNAVAILABLE", message = "Try again shortly.", details = (object?)null },
                    timestamp = DateTimeOffset.UtcNow,
                });
                return;
            }

            using var forwarded = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
            var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            if (body.Length > 0)
            {
                forwarded.Content = new ByteArrayContent(body.ToArray());
                if (context.Request.ContentType is { } contentType) forwarded.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            foreach (var (name, values) in context.Request.Headers)
            {
                if (name is "Host" or "Content-Type" or "Content-Length" or "Connection") continue;
                forwarded.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }

            using var answer = await _upstream.SendAsync(forwarded);
            var answerBody = await answer.Content.ReadAsByteArrayAsync();
            if (fault == Fault.DropAnswer)
            {
                context.Abort(); // the app has done the work; the client never hears of it
                return;
            }

            context.Response.StatusCode = (int)answer.StatusCode;
            foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers))
            {
                if (name is "Transfer-Encoding" or "Content-Length" or "Connection") continue;
                context.Response.Headers[name] = values.ToArray();
            }

            await context.Response.Body.WriteAsync(answerBody);
        }

        public async ValueTask DisposeAsync()
        {
            if (_disposed) return;
            _disposed = true;
            _upstream.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

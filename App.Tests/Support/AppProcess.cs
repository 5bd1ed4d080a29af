using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace App.Tests.Support;

/// <summary>
/// App's own build output run as a separate process (`dotnet App.dll`), for what only a real process shows: being
/// killed with SIGKILL, stopped with SIGTERM, refusing to start. Talks to Twilio at the base URL given to <see cref="Environment"/>
/// in Live mode (a <see cref="TwilioStandIn"/>).
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AppProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The settings every drill shares; <paramref name="settings"/> adds or overrides (configuration keys with ':').</summary>
    public static Dictionary<string, string> Environment(string dataDirectory, string twilioBaseUrl, IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Testing",
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["App__DataDirectory"] = dataDirectory,
            ["App__SeedDemoTenant"] = "false",
            ["Twilio__Mode"] = "Live",
            ["Twilio__ApiBaseUrl"] = twilioBaseUrl,
            ["Twilio__TimeoutSeconds"] = "1",
            ["Twilio__RetryBaseDelayMs"] = "10",
            ["Outbox__PollIntervalMs"] = "50",
            ["Outbox__RetryBaseDelayMs"] = "50",
            ["Outbox__MaxRetryDelaySeconds"] = "1",
            ["Outbox__ReconcileDelayMs"] = "200",
            ["Outbox__LockSeconds"] = "2",
            ["Outbox__TenantSendsPerSecond"] = "1000",
            ["RateLimits__TenantPermitsPerSecond"] = "10000",
            ["RateLimits__TenantBurst"] = "10000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        return environment;
    }

    /// <summary>Starts the server and waits for its first /health 200.</summary>
    public static async Task<AppProcess> StartAsync(Dictionary<string, string> environment, int? port = null)
    {
        var listenPort = port ?? FreePort();
        var start = Start(environment, []);
        start.Environment["Urls"] = $"http://127.0.0.1:{listenPort}";
        start.Environment["App__PublicBaseUrl"] = $"http://127.0.0.1:{listenPort}";
        var app = new AppProcess(Process.Start(start)!, listenPort);
        app.Capture();

        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (app.HasExited) throw new InvalidOperationException($"App exited with {app.ExitCode} while starting:\n{app.Output}");
            try
            {
                if ((await http.GetAsync("/health")).IsSuccessStatusCode) return app;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }

            await Task.Delay(100);
        }

        await app.DisposeAsync();
        throw new TimeoutException($"App did not answer /health within 60 s:\n{app.Output}");
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>One command of App's command line in Production, as an operator runs it beside the server.</summary>
    public static async Task<Result> RunAsync(string dataDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var settings = new Dictionary<string, string>
        {
            ["App__DataDirectory"] = dataDirectory,
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) settings[name] = value;
        var (exitCode, stdout, stderr) = await RunCommandAsync(settings, arguments);
        return new Result(exitCode, stdout, stderr);
    }

    public static Task<Result> RunAsync(string dataDirectory, params string[] arguments) => RunAsync(dataDirectory, null, arguments);

    /// <summary>Runs one command of App's command line to its end.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunCommandAsync(Dictionary<string, string> environment, params string[] arguments)
    {
        using var process = Process.Start(Start(environment, arguments))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stdout).Trim(), await stderr);
    }

    /// <summary>Creates a tenant with the command line and gives it (fake) live Twilio credentials.</summary>
    public static async Task<(string Id, string ApiKey)> CreateTenantAsync(Dictionary<string, string> environment, string name)
    {
        var (exitCode, stdout, stderr) = await RunCommandAsync(environment, "tenant", "create", "--name", name);
        exitCode.ShouldBe(0, stderr);
        using var created = JsonDocument.Parse(stdout);
        return (created.RootElement.GetProperty("id").GetString()!, created.RootElement.GetProperty("api_key").GetString()!);
    }

    public HttpClient Client(string apiKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Add("X-API-Key", apiKey);
        return client;
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an out-of-memory kill.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, what Fly (and docker stop, and systemd) sends first.</summary>
    public void Terminate()
    {
        if (SendSignal(_process.Id, 15) != 0) throw new InvalidOperationException("kill(SIGTERM) failed: " + Marshal.GetLastPInvokeError());
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }

    private static ProcessStartInfo Start(Dictionary<string, string> environment, string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(RepoPaths.AppDll)!,
        };
        start.ArgumentList.Add(RepoPaths.AppDll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        return start;
    }

    private void Capture()
    {
        _process.OutputDataReceived += (_, line) => { lock (_output) _output.AppendLine(line.Data); };
        _process.ErrorDataReceived += (_, line) => { lock (_output) _output.AppendLine(line.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}

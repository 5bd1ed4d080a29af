using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using App.Tests.Support;
using static App.Infrastructure.Observability.Logging;

namespace App.Tests.Infrastructure;

/// <summary>
/// Console logs are readable lines for a person at a terminal and compact JSON for collectors (containers, pipes),
/// or what <c>Logging:Console:Format</c> says; secrets are redacted in both.
/// </summary>
public sealed class ConsoleLogFormatTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "switchboard-tests", "log-format-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData(null, false, false, false, ConsoleFormat.Text)]   // dotnet run at a terminal
    [InlineData("auto", false, false, false, ConsoleFormat.Text)]
    [InlineData(null, false, true, false, ConsoleFormat.Json)]    // piped or written to a file
    [InlineData(null, false, false, true, ConsoleFormat.Json)]    // in a container, even with a TTY attached
    [InlineData(null, true, true, false, ConsoleFormat.Text)]     // Development in an IDE's output window
    [InlineData(null, true, true, true, ConsoleFormat.Json)]
    [InlineData("json", false, false, false, ConsoleFormat.Json)]
    [InlineData(" JSON ", true, false, false, ConsoleFormat.Json)]
    [InlineData("text", false, true, true, ConsoleFormat.Text)]
    [InlineData("Text", false, true, false, ConsoleFormat.Text)]
    public void The_format_follows_the_setting_or_else_who_is_reading(
        string? setting, bool isDevelopment, bool outputRedirected, bool inContainer, ConsoleFormat expected) =>
        ChooseConsoleFormat(setting, isDevelopment, outputRedirected, inContainer).ShouldBe(expected);

    [Fact]
    public void An_unknown_setting_stops_the_start_naming_the_key_and_the_choices()
    {
        var error = Should.Throw<InvalidOperationException>(() => ChooseConsoleFormat("pretty", false, false, false));

        error.Message.ShouldContain("Logging:Console:Format");
        error.Message.ShouldContain("json, text or auto");
    }

    [Fact]
    public async Task Text_lines_are_readable_and_carry_no_secret()
    {
        var output = await RunAppAsync("text");

        var line = output.Split('\n').First(l => l.Contains("/api/tenant/profile/", StringComparison.Ordinal));
        line.ShouldMatch(@"^\[\d\d:\d\d:\d\d INF\] HTTP GET /api/tenant/profile/sb_\[REDACTED\] \(-\) responded 404 in [\d.]+ ms \(tenant -\)");
        output.ShouldNotContain(Secret);
        output.ShouldNotContain("{\"@t\"");
    }

    [Fact]
    public async Task Redirected_output_is_compact_JSON_by_default_and_carries_no_secret()
    {
        var output = await RunAppAsync(format: null);

        var line = output.Split('\n').First(l => l.Contains("/api/tenant/profile/", StringComparison.Ordinal));
        var json = JsonDocument.Parse(line).RootElement;
        json.GetProperty("@t").GetString().ShouldNotBeNullOrEmpty();
        json.GetProperty("@m").GetString()!.ShouldContain("responded 404");
        json.GetProperty("RequestPath").GetString().ShouldBe("/api/tenant/profile/sb_[REDACTED]");
        output.ShouldNotContain(Secret);
    }

    private const string Secret = "sb_0123456789abcdefghijKLMNOP";

    /// <summary>Starts App with its output redirected, asks one request whose path holds a key, stops it and returns stdout.</summary>
    private async Task<string> RunAppAsync(string? format)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(RepoPaths.AppDll);
        start.Environment["App__DataDirectory"] = _dataDirectory;
        start.Environment["App__SeedDemoTenant"] = "false";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["App__MasterKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)); // Production needs one
        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        start.Environment.Remove("DOTNET_RUNNING_IN_CONTAINER");
        if (format is not null) start.Environment["Logging__Console__Format"] = format;
        start.WorkingDirectory = Path.GetDirectoryName(RepoPaths.AppDll)!;

        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            await Eventually.GetAsync(async () =>
            {
                try { return (await client.GetAsync("/health")).IsSuccessStatusCode; }
                catch (HttpRequestException) { return false; }
            }, up => up, TimeSpan.FromSeconds(60), "the app to answer /health");
            (await client.GetAsync("/api/tenant/profile/" + Secret)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
            // The request's log line is written as the response completes.
            await Eventually.GetAsync(() => Task.FromResult(lines.Any(l => l.Contains("/api/tenant/profile/", StringComparison.Ordinal))),
                found => found, TimeSpan.FromSeconds(10), "the request's log line");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        return string.Join('\n', lines);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try { Directory.Delete(_dataDirectory, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}

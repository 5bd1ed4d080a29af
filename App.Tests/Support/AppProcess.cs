using System.Diagnostics;

namespace App.Tests.Support;

/// <summary>App's own build run as a separate process (its command line), against a data directory of the test's.</summary>
public static class AppProcess
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IEnumerable<string> arguments, string dataDirectory)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(RepoPaths.AppDll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["App__DataDirectory"] = dataDirectory;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.WorkingDirectory = Path.GetDirectoryName(RepoPaths.AppDll)!;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stdout).Trim(), await stderr);
    }
}

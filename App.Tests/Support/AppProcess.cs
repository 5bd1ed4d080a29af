using System.Diagnostics;

namespace App.Tests.Support;

/// <summary>The built App run as a separate process (its command line), as an operator runs it beside the server.</summary>
public static class AppProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(string dataDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(RepoPaths.AppDll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["App__DataDirectory"] = dataDirectory;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        start.WorkingDirectory = Path.GetDirectoryName(RepoPaths.AppDll)!;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, (await stdout).Trim(), await stderr);
    }

    public static Task<Result> RunAsync(string dataDirectory, params string[] arguments) => RunAsync(dataDirectory, null, arguments);
}

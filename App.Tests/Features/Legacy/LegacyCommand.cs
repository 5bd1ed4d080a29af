using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using App.Tests.Support;

namespace App.Tests.Features.Legacy;

/// <summary>
/// Runs App's real command line (<c>dotnet App.dll legacy import ...</c>) as a process against a data directory, the way
/// an operator runs it on the server. <see cref="ToolsDirectory"/> puts a folder first on the child's PATH, so a test can
/// stand a wrapper in for mdb-export (to change what the legacy database says) or hide mdbtools altogether.
/// </summary>
public sealed class LegacyCommand(string dataDirectory)
{
    public static string LegacyFolder => Path.Combine(RepoPaths.Shared, "legacy");
    public static string Mdb => Path.Combine(LegacyFolder, "legacy.mdb");
    public static string WebConfig => Path.Combine(LegacyFolder, "Web.config");
    public static string Mp3Folder => Path.Combine(LegacyFolder, "files", "mp3");
    public const string TimeZone = "America/Los_Angeles";

    public string? ToolsDirectory { get; set; }
    public string? PathOverride { get; set; }

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public JsonElement Report => JsonDocument.Parse(Stdout).RootElement.Clone();
    }

    /// <summary><c>legacy import --tenant harbor</c> of the shared sample, with <paramref name="extra"/> appended.</summary>
    public Task<Result> ImportAsync(params string[] extra) => ImportAsync("harbor", Mdb, Mp3Folder, extra);

    public Task<Result> ImportAsync(string tenant, string mdb, string files, params string[] extra) =>
        RunAsync(["legacy", "import", "--tenant", tenant, "--mdb", mdb, "--web-config", WebConfig, "--files", files, "--time-zone", TimeZone, .. extra]);

    public async Task<Result> RunAsync(params string[] arguments)
    {
        Directory.CreateDirectory(dataDirectory);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(RepoPaths.AppDll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["App__DataDirectory"] = dataDirectory;
        start.Environment["Auth__BcryptWorkFactor"] = "4";
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing"; // as the test hosts, so both open the key ring with the same development master key
        if (PathOverride is not null) start.Environment["PATH"] = PathOverride;
        else if (ToolsDirectory is not null) start.Environment["PATH"] = ToolsDirectory + ":" + Environment.GetEnvironmentVariable("PATH");
        start.WorkingDirectory = Path.GetDirectoryName(RepoPaths.AppDll)!;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>An mdb-export stand-in: the real one, its output passed through <paramref name="filter"/> (a shell pipeline).</summary>
    public static string WrapMdbExport(string directory, string filter)
    {
        Directory.CreateDirectory(directory);
        var script = Path.Combine(directory, "mdb-export");
        File.WriteAllText(script, $"#!/bin/sh\nfor last; do :; done\n/usr/bin/mdb-export \"$@\" | {filter}\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return directory;
    }

    /// <summary>SHA-256 of every file under the folder (the database, its WAL and the stored audio), by relative path.</summary>
    public static Dictionary<string, string> Snapshot(string directory, params string[] ignore) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(path => !ignore.Any(i => path.EndsWith(i, StringComparison.Ordinal)))
            .ToDictionary(path => Path.GetRelativePath(directory, path), path => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))));
}

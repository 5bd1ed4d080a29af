using System.Diagnostics;
using System.Text.RegularExpressions;
using App.Infrastructure.Database;
using App.Tests.Support;

namespace App.Tests.Features.Ops;

/// <summary>
/// Litestream's config, the Dockerfile and the container's entry point agree (the database the image's App writes
/// is the one Litestream replicates), and replication is off unless LITESTREAM_REPLICA_URL is set. The entry point
/// is run for real with stand-ins for <c>dotnet</c> and <c>litestream</c> that record how they were called.
/// </summary>
public sealed partial class LitestreamWiringTests : IDisposable
{
    private readonly string _bin = Path.Combine(Path.GetTempPath(), "switchboard-entrypoint", Guid.NewGuid().ToString("N"));

    private static string Read(string name) => File.ReadAllText(Path.Combine(RepoPaths.Root, name));

    private static string ImageDataDirectory() =>
        DataDirectoryEnv().Match(Read("Dockerfile")) is { Success: true } match ? match.Groups[1].Value : throw new ShouldAssertException("Dockerfile sets no App__DataDirectory");

    [Fact]
    public void The_config_replicates_the_database_App_writes_in_the_image()
    {
        var config = Read("litestream.yml");
        var databases = DbPath().Matches(config).Select(m => m.Groups[1].Value).ToList();

        databases.ShouldBe([new Db(new DataDirectory(ImageDataDirectory())).FilePath]);
        ReplicaUrl().Match(config).Groups[1].Value.ShouldBe("${LITESTREAM_REPLICA_URL}");
        config.ShouldNotContain("\t");
    }

    [Fact]
    public void The_Dockerfile_installs_Litestream_from_its_release_and_starts_through_the_entry_point()
    {
        var dockerfile = Read("Dockerfile");

        dockerfile.ShouldContain("https://github.com/benbjohnson/litestream/releases/download/");
        dockerfile.ShouldContain("COPY --from=litestream /usr/local/bin/litestream /usr/local/bin/litestream");
        var entrypoint = Read("docker-entrypoint.sh");
        var configPath = ConfigVariable().Match(entrypoint).Groups[1].Value;
        dockerfile.ShouldContain($"COPY litestream.yml {configPath}");
        dockerfile.ShouldContain("COPY --chmod=755 docker-entrypoint.sh /app/docker-entrypoint.sh");
        dockerfile.TrimEnd().Split('\n')[^1].ShouldBe("""ENTRYPOINT ["/app/docker-entrypoint.sh"]""");
        DatabaseVariable().Match(entrypoint).Groups[1].Value.ShouldBe(ImageDataDirectory() + "/app.db");
    }

    [Fact]
    public async Task Without_a_replica_URL_the_server_runs_without_Litestream()
    {
        var calls = await RunEntrypointAsync(new Dictionary<string, string>());

        calls.ShouldBe(["dotnet App.dll"]);
    }

    [Fact]
    public async Task With_a_replica_URL_the_server_runs_under_litestream_replicate_after_a_restore_if_the_volume_is_empty()
    {
        var calls = await RunEntrypointAsync(new Dictionary<string, string> { ["LITESTREAM_REPLICA_URL"] = "s3://bucket/switchboard" });

        calls.ShouldBe([
            "litestream restore -config /etc/litestream.yml -if-db-not-exists -if-replica-exists /data/app.db",
            "litestream replicate -config /etc/litestream.yml -exec dotnet App.dll",
        ]);
    }

    [Fact]
    public async Task Commands_run_on_their_own_even_with_replication_configured()
    {
        var calls = await RunEntrypointAsync(new Dictionary<string, string> { ["LITESTREAM_REPLICA_URL"] = "s3://bucket/switchboard" }, "tenant", "list");

        calls.ShouldBe(["dotnet App.dll tenant list"]);
    }

    private async Task<string[]> RunEntrypointAsync(Dictionary<string, string> environment, params string[] arguments)
    {
        Directory.CreateDirectory(_bin);
        var log = Path.Combine(_bin, "calls.log");
        foreach (var tool in new[] { "dotnet", "litestream" })
        {
            var path = Path.Combine(_bin, tool);
            await File.WriteAllTextAsync(path, $"#!/bin/sh\necho \"{tool} $*\" >> \"{log}\"\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "docker-entrypoint.sh"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment.Remove("LITESTREAM_REPLICA_URL");
        start.Environment["PATH"] = _bin + ":/usr/bin:/bin";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.ShouldBe(0, stderr);
        return File.Exists(log) ? await File.ReadAllLinesAsync(log) : [];
    }

    public void Dispose()
    {
        try { Directory.Delete(_bin, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }

    [GeneratedRegex(@"App__DataDirectory=(\S+)")]
    private static partial Regex DataDirectoryEnv();

    [GeneratedRegex(@"^\s*-\s*path:\s*(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex DbPath();

    [GeneratedRegex(@"^\s*-\s*url:\s*(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex ReplicaUrl();

    [GeneratedRegex(@"^LITESTREAM_CONFIG=(\S+)$", RegexOptions.Multiline)]
    private static partial Regex ConfigVariable();

    [GeneratedRegex(@"^DATABASE=(\S+)$", RegexOptions.Multiline)]
    private static partial Regex DatabaseVariable();
}

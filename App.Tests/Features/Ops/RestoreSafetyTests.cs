using System.Text.Json;
using App.Features.Ops.Backups;
using App.Tests.Support;
using Microsoft.Data.Sqlite;

namespace App.Tests.Features.Ops;

/// <summary>Restore never runs under a server, never overwrites data unasked, and never half-applies a damaged file.</summary>
public sealed class RestoreSafetyTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "switchboard-restore", Guid.NewGuid().ToString("N"));

    private string Path_(string name) => Path.Combine(_root, name);

    private async Task<string> BackupOfANewServerAsync(string dataDirectory, string backup)
    {
        await using var server = new ServerOn(dataDirectory);
        _ = server.BaseAddress;
        await (await server.OperatorClient().PostJsonAsync("/api/system/tenants", new { name = "Safe Dental", id = "safe" })).ShouldBeSuccessAsync(201);
        var result = await AppProcess.RunAsync(dataDirectory, "backup", "--to", backup);
        result.ExitCode.ShouldBe(0, result.Stderr);
        return backup;
    }

    [Fact]
    public async Task Restore_is_refused_while_a_server_runs_on_the_directory()
    {
        var backup = await BackupOfANewServerAsync(Path_("source"), Path_("safe.tar"));
        await using var running = new ServerOn(Path_("running"));
        _ = running.BaseAddress;

        var result = await AppProcess.RunAsync(Path_("running"), "restore", "--from", backup, "--force");

        result.ExitCode.ShouldBe(1);
        result.Stderr.ShouldContain("App is running on");
        (await running.OperatorClient().GetAsync("/api/system/tenants/safe")).StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_directory_with_data_is_kept_unless_force_and_force_moves_it_aside()
    {
        var backup = await BackupOfANewServerAsync(Path_("source"), Path_("safe.tar.gz"));
        var target = Path_("target");
        Directory.CreateDirectory(Path.Combine(target, "files"));
        await File.WriteAllTextAsync(Path.Combine(target, "app.db"), "the data that was here");

        var refused = await AppProcess.RunAsync(target, "restore", "--from", backup);
        refused.ExitCode.ShouldBe(1);
        refused.Stderr.ShouldContain("--force");
        (await File.ReadAllTextAsync(Path.Combine(target, "app.db"))).ShouldBe("the data that was here");

        var forced = await AppProcess.RunAsync(target, "restore", "--from", backup, "--force");
        forced.ExitCode.ShouldBe(0, forced.Stderr);
        var movedTo = JsonDocument.Parse(forced.Stdout).RootElement.GetProperty("previous_data_moved_to").GetString()!;
        (await File.ReadAllTextAsync(Path.Combine(movedTo, "app.db"))).ShouldBe("the data that was here");
        BackupArchive.IntegrityCheck(Path.Combine(target, "app.db")).ShouldBe("ok");

        await using var restored = new ServerOn(target);
        await (await restored.OperatorClient().GetAsync("/api/system/tenants/safe")).ShouldBeSuccessAsync();
    }

    [Fact]
    public async Task A_damaged_backup_is_refused_and_the_directory_stays_empty()
    {
        var backup = await BackupOfANewServerAsync(Path_("source"), Path_("safe.tar"));
        var bytes = await File.ReadAllBytesAsync(backup);
        bytes[2048] ^= 0xFF; // inside the database entry
        var damaged = Path_("damaged.tar");
        await File.WriteAllBytesAsync(damaged, bytes);

        var result = await AppProcess.RunAsync(Path_("empty"), "restore", "--from", damaged);

        result.ExitCode.ShouldBe(1);
        result.Stderr.ShouldContain("damaged");
        Directory.EnumerateFileSystemEntries(Path_("empty")).Select(Path.GetFileName).ShouldBe([DataDirectoryLock.FileName]);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_root, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}

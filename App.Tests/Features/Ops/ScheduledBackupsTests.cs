using App.Features.Ops.Backups;
using App.Tests.Support;
using Microsoft.Data.Sqlite;

namespace App.Tests.Features.Ops;

/// <summary>With Backups:Directory set, the server writes verified backups on its own and keeps the newest few.</summary>
public sealed class ScheduledBackupsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "switchboard-scheduled", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Backups_are_written_every_period_verified_and_only_the_newest_are_kept()
    {
        var folder = Path.Combine(_root, "backups");
        await using var server = new ServerOn(Path.Combine(_root, "data"), new()
        {
            ["Backups:Directory"] = folder,
            ["Backups:Every"] = "00:00:01",
            ["Backups:Keep"] = "2",
        });
        _ = server.BaseAddress;
        await (await server.OperatorClient().PostJsonAsync("/api/system/tenants", new { name = "Nightly Dental", id = "nightly" })).ShouldBeSuccessAsync(201);

        // Three periods at least: the third backup must have removed the first.
        var first = await Eventually.GetAsync(() => Task.FromResult(ScheduledBackups.Existing(folder)), list => list.Count >= 1, what: "a first backup");
        var oldest = first[^1].Path;
        await Eventually.GetAsync(() => Task.FromResult(File.Exists(oldest)), exists => !exists, TimeSpan.FromSeconds(30), "the oldest backup to be removed");

        var kept = ScheduledBackups.Existing(folder);
        kept.Count.ShouldBeInRange(1, 2);
        foreach (var backup in kept)
        {
            var manifest = await BackupArchive.VerifyAsync(backup.Path, CancellationToken.None);
            manifest.Entries.Select(e => e.Name).ShouldContain(BackupArchive.DatabaseEntry);
        }
    }

    [Fact]
    public async Task Without_a_directory_no_backup_is_written()
    {
        await using var server = new ServerOn(Path.Combine(_root, "data-off"), new() { ["Backups:Every"] = "00:00:01" });
        _ = server.BaseAddress;
        await Task.Delay(1500);

        Directory.EnumerateFiles(Path.Combine(_root, "data-off"), "*.tar*", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_root, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}

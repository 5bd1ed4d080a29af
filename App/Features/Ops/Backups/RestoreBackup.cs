namespace App.Features.Ops.Backups;

/// <summary>
/// <c>restore --from FILE [--force]</c>: puts a backup into the data directory of a stopped App.
/// Refused while a server runs on the directory (see <see cref="DataDirectoryLock"/>). Refused when the directory
/// already holds data, unless <c>--force</c>: then what was there is moved aside into
/// <c>before-restore-{time}/</c> inside the directory, never deleted, so a restore of the wrong file can be undone.
/// The archive is extracted into a staging folder on the same volume and verified (every entry against its manifest,
/// <c>PRAGMA integrity_check</c> on the database) before anything in the directory is touched.
/// </summary>
public static class RestoreBackup
{
    public sealed record Result(string RestoredFrom, string DataDirectory, DateTimeOffset BackupCreatedAt, int SchemaVersion,
        int Files, string IntegrityCheck, string? PreviousDataMovedTo);

    /// <summary>What a data directory may hold and still count as empty: the lock and a fresh volume's lost+found.</summary>
    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal) { DataDirectoryLock.FileName, "lost+found" };

    public static async Task<Result> RunAsync(string from, string dataDirectoryPath, bool force, DateTimeOffset now, CancellationToken cancellationToken)
    {
        from = Path.GetFullPath(from);
        if (!File.Exists(from)) throw new RestoreRefusedException($"No backup at {from}.");
        Directory.CreateDirectory(dataDirectoryPath);

        using var exclusive = DataDirectoryLock.TryExclusive(dataDirectoryPath)
            ?? throw new RestoreRefusedException($"App is running on {dataDirectoryPath}: stop it first (on Fly: `fly scale count 0`, or restore into a new volume).");

        var existing = Directory.EnumerateFileSystemEntries(dataDirectoryPath)
            .Where(path => !Ignored.Contains(Path.GetFileName(path)) && !Path.GetFileName(path).StartsWith("before-restore-", StringComparison.Ordinal))
            .ToList();
        if (existing.Count > 0 && !force)
            throw new RestoreRefusedException($"{dataDirectoryPath} is not empty ({string.Join(", ", existing.Select(Path.GetFileName).Take(5))}); " +
                "restore into an empty directory, or add --force to move what is there aside into before-restore-{time}/.");

        var staging = Path.Combine(dataDirectoryPath, $".restore-{Guid.NewGuid():N}");
        try
        {
            var manifest = await BackupArchive.ReadAsync(from, staging, cancellationToken);
            var database = Path.Combine(staging, BackupArchive.DatabaseEntry);
            if (!File.Exists(database)) throw new InvalidDataException($"{from} holds no database.");
            var integrity = BackupArchive.IntegrityCheck(database);
            if (integrity != "ok") throw new InvalidDataException($"The database in {from} failed PRAGMA integrity_check: {integrity}");

            string? movedTo = null;
            if (existing.Count > 0)
            {
                movedTo = Path.Combine(dataDirectoryPath, "before-restore-" + now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture));
                Directory.CreateDirectory(movedTo);
                foreach (var path in existing) Move(path, Path.Combine(movedTo, Path.GetFileName(path)));
            }

            foreach (var path in Directory.EnumerateFileSystemEntries(staging)) Move(path, Path.Combine(dataDirectoryPath, Path.GetFileName(path)));

            return new Result(from, dataDirectoryPath, manifest.CreatedAt, manifest.SchemaVersion,
                manifest.Entries.Count(e => e.Name.StartsWith("files/", StringComparison.Ordinal)), integrity, movedTo);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    private static void Move(string from, string to)
    {
        if (Directory.Exists(from)) Directory.Move(from, to);
        else File.Move(from, to);
    }
}

public sealed class RestoreRefusedException(string message) : Exception(message);

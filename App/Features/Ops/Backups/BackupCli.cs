using System.Text.Json;

namespace App.Features.Ops.Backups;

/// <summary>
/// <c>backup --to FILE</c> runs beside a serving App (the snapshot is online and consistent) and prints a JSON
/// summary; <c>restore --from FILE [--force]</c> runs with App stopped. Errors go to stderr with exit code 1
/// (2 for usage errors), like the tenant commands.
/// </summary>
public static class BackupCli
{
    public const string Usage = """
        usage:
          backup --to FILE                  back up the database, audio files and key ring (FILE.tar or FILE.tar.gz)
          restore --from FILE [--force]     restore a backup into the (stopped) data directory; --force moves existing data aside
        """;

    public static bool Handles(string[] args) => args.Length > 0 && args[0] is "backup" or "restore";

    /// <summary>Restore runs before the host is built: building it would create a database in the directory.</summary>
    public static bool IsRestore(string[] args) => args.Length > 0 && args[0] == "restore";

    public static async Task<int> BackupAsync(string[] args, IServiceProvider services, TextWriter stdout, TextWriter stderr)
    {
        if (Option(args, "--to") is not { } target)
        {
            await stderr.WriteLineAsync(Usage);
            return 2;
        }

        try
        {
            var summary = await BackupArchive.CreateAsync(services.GetRequiredService<Db>(), services.GetRequiredService<DataDirectory>(), target,
                services.GetRequiredService<TimeProvider>().GetUtcNow(), CancellationToken.None);
            await stdout.WriteLineAsync(JsonSerializer.Serialize(summary, Json.Options));
            if (summary.MissingFiles is { Count: > 0 } missing)
                await stderr.WriteLineAsync($"warning: {missing.Count} library file(s) were deleted while the backup ran or are missing on disk: {string.Join(", ", missing.Take(10))}");
            return 0;
        }
        catch (Exception error) when (error is IOException or InvalidDataException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            await stderr.WriteLineAsync($"error: {error.Message}");
            return 1;
        }
    }

    public static async Task<int> RestoreAsync(string[] args, IConfiguration configuration, TextWriter stdout, TextWriter stderr)
    {
        if (Option(args, "--from") is not { } from)
        {
            await stderr.WriteLineAsync(Usage);
            return 2;
        }

        try
        {
            var result = await RestoreBackup.RunAsync(from, DataDirectory.From(configuration).Path, args.Contains("--force"), DateTimeOffset.UtcNow, CancellationToken.None);
            await stdout.WriteLineAsync(JsonSerializer.Serialize(result, Json.Options));
            return 0;
        }
        catch (Exception error) when (error is RestoreRefusedException or IOException or InvalidDataException or UnauthorizedAccessException or JsonException or Microsoft.Data.Sqlite.SqliteException)
        {
            await stderr.WriteLineAsync($"error: {error.Message}");
            return 1;
        }
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}

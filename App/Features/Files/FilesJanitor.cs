using Microsoft.Extensions.Options;

namespace App.Features.Files;

/// <summary>
/// Removes what a crash or an interrupted request can leave behind: temporary uploads in <c>{tenant}/.incoming</c>
/// and stored files no row points at (a crash between the rename and the commit, a delete whose file removal
/// failed, a deleted tenant), once they are older than <c>Files:LeftoverMaxAgeMinutes</c> so an upload in flight is
/// never touched. Neither kind ever counts against the quota, which is the sum of the rows. Rows whose file is
/// missing are reported in the log. Runs at start-up, then every <c>Files:SweepIntervalMinutes</c>.
/// </summary>
public sealed class FilesJanitor(FileStorage storage, Db db, IOptions<FilesOptions> options, ILogger<FilesJanitor> logger) : BackgroundService
{
    public sealed record Sweep(int IncomingRemoved, int OrphansRemoved, int RowsWithoutFile);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first pass runs in the background: the server starts serving without waiting for it.
        await Task.Yield();
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(Math.Max(1, options.Value.SweepIntervalMinutes)));
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // A failed pass must never stop the host (BackgroundService's default): log it and try again later.
                logger.LogWarning(exception, "The file janitor could not finish this pass; it will try again");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<Sweep> SweepAsync(CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(storage.Root)) return new Sweep(0, 0, 0);
        var cutoff = DateTime.UtcNow - TimeSpan.FromMinutes(options.Value.LeftoverMaxAgeMinutes);

        HashSet<string> known;
        await using (var connection = await db.OpenAsync(cancellationToken))
            known = (await connection.QueryAsync<string>("SELECT file_path FROM voice_files")).ToHashSet(StringComparer.Ordinal);

        int incomingRemoved = 0, orphansRemoved = 0;
        foreach (var tenantDirectory in Directory.EnumerateDirectories(storage.Root))
        {
            var tenantId = Path.GetFileName(tenantDirectory);
            var incoming = Path.Combine(tenantDirectory, FileStorage.IncomingFolder);
            if (Directory.Exists(incoming))
                incomingRemoved += Directory.EnumerateFiles(incoming).Count(file => IsOld(file, cutoff) && TryDelete(file));

            orphansRemoved += Directory.EnumerateFiles(tenantDirectory).Count(file =>
                !known.Contains(FileStorage.RelativePath(tenantId, Path.GetFileName(file))) && IsOld(file, cutoff) && TryDelete(file));
        }

        var missing = known.Where(path => !IsStored(path)).ToList();
        foreach (var path in missing) logger.LogError("The library row for {FilePath} has no file on disk", path);
        if (incomingRemoved + orphansRemoved > 0)
            logger.LogInformation("The file janitor removed {Incoming} unfinished uploads and {Orphans} unreferenced files", incomingRemoved, orphansRemoved);
        return new Sweep(incomingRemoved, orphansRemoved, missing.Count);
    }

    private bool IsStored(string relativePath)
    {
        try
        {
            return File.Exists(storage.FullPath(relativePath));
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool IsOld(string path, DateTime cutoff) => File.GetLastWriteTimeUtc(path) < cutoff;

    private bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(exception, "Could not remove the leftover file {Path}", path);
            return false;
        }
    }
}

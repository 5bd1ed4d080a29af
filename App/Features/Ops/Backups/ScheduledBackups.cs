using System.Globalization;
using Microsoft.Extensions.Options;

namespace App.Features.Ops.Backups;

/// <summary>The <c>Backups</c> section: scheduled backups are off while <see cref="Directory"/> is empty.</summary>
public sealed class BackupOptions
{
    public const string Section = "Backups";

    /// <summary>Where scheduled backups go; best on another volume or a mounted bucket than the data directory.</summary>
    public string? Directory { get; set; }

    /// <summary>Time between backups (TimeSpan, e.g. <c>06:00:00</c> or <c>1.00:00:00</c>).</summary>
    public TimeSpan Every { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How many scheduled backups are kept; older ones are deleted after each new verified one.</summary>
    public int Keep { get; set; } = 7;
}

/// <summary>
/// Writes <c>switchboard-{time}.tar.gz</c> into <c>Backups:Directory</c> every <c>Backups:Every</c>, verified like
/// <c>backup --to</c>, and keeps the newest <c>Backups:Keep</c>. The next backup is due one period after the newest
/// one in the folder, so restarts neither skip nor repeat backups. A failed backup is logged and tried again at
/// the next period; it never stops the server.
/// </summary>
public sealed class ScheduledBackups(Db db, DataDirectory dataDirectory, IOptions<BackupOptions> options, TimeProvider time, ILogger<ScheduledBackups> logger)
    : BackgroundService
{
    public const string Prefix = "switchboard-";
    public const string Extension = ".tar.gz";
    private const string StampFormat = "yyyyMMdd'T'HHmmss'Z'";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first pass runs in the background: the server starts serving without waiting for it.
        await Task.Yield();
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.Directory)) return;
        var folder = Path.GetFullPath(settings.Directory);
        var every = settings.Every > TimeSpan.Zero ? settings.Every : TimeSpan.FromDays(1);
        System.IO.Directory.CreateDirectory(folder);

        while (!stoppingToken.IsCancellationRequested)
        {
            var newest = Existing(folder).Select(backup => (DateTimeOffset?)backup.CreatedAt).FirstOrDefault();
            var due = newest is null ? time.GetUtcNow() : newest.Value + every;
            var wait = due - time.GetUtcNow();
            if (wait > TimeSpan.Zero) await Task.Delay(wait, time, stoppingToken);

            try
            {
                var now = time.GetUtcNow();
                var target = Path.Combine(folder, Prefix + now.UtcDateTime.ToString(StampFormat, CultureInfo.InvariantCulture) + Extension);
                var summary = await BackupArchive.CreateAsync(db, dataDirectory, target, now, stoppingToken);
                logger.LogInformation("Backup written and verified: {Path} ({Bytes} bytes, {Files} files)", summary.Path, summary.Bytes, summary.Files);
                foreach (var old in Existing(folder).Skip(Math.Max(1, settings.Keep)))
                {
                    File.Delete(old.Path);
                    logger.LogInformation("Removed the old backup {Path}", old.Path);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogError(exception, "The scheduled backup failed; the next attempt is in {Every}", every);
                await Task.Delay(every, time, stoppingToken);
            }
        }
    }

    /// <summary>The scheduled backups in a folder, newest first (other files there are left alone).</summary>
    public static IReadOnlyList<(string Path, DateTimeOffset CreatedAt)> Existing(string folder) =>
        System.IO.Directory.EnumerateFiles(folder, Prefix + "*" + Extension)
            .Select(path => (path, stamp: Path.GetFileName(path)[Prefix.Length..^Extension.Length]))
            .Where(file => DateTimeOffset.TryParseExact(file.stamp, StampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
            .Select(file => (file.path, DateTimeOffset.ParseExact(file.stamp, StampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)))
            .OrderByDescending(file => file.Item2)
            .ToList();
}

public static class BackupServices
{
    public static IServiceCollection AddBackups(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<BackupOptions>(configuration.GetSection(BackupOptions.Section));
        services.AddSingleton<DataDirectoryLock>();
        services.AddHostedService<ScheduledBackups>();
        return services;
    }

    /// <summary>The server's claim on its data directory, so a restore cannot run under it.</summary>
    public static void HoldDataDirectory(this IServiceProvider services) => services.GetRequiredService<DataDirectoryLock>().HoldShared();
}

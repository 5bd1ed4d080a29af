using App.Features.Auth;
using App.Features.Files;
using App.Features.Tenants;
using App.Features.VoiceMessages;
using App.Infrastructure.Security;

namespace App.Features.Legacy;

/// <summary>
/// <c>legacy import</c>: one legacy installation (Access file, Web.config, MP3 folder) becomes one tenant.
/// </summary>
/// <remarks>
/// <para>Three steps. Read: every legacy table, the config and the folder, before anything is written
/// (<see cref="LegacySource"/>). Plan: each legacy row becomes the values of its migrated row, compared with what an
/// earlier run left (rows remember their legacy id and a fingerprint of the values they were made from): new, changed,
/// unchanged or skipped, each problem reported with the legacy id. Each table's mapping has its own file:
/// <see cref="ImportTenant"/> (Web.config), <see cref="ImportVoiceFiles"/>, <see cref="ImportUsers"/>,
/// <see cref="ImportVoices"/>, <see cref="ImportVoiceXml"/>, <see cref="ImportCallLog"/>. A dry run stops here. Write
/// (<see cref="ImportWriter"/>): the audio bytes are copied first, then every row goes in one transaction; when it
/// does not commit, the copied files are removed again, so a failed run leaves the tenant as it was.</para>
/// <para>A migrated row whose legacy row has not changed is left alone, so edits made in Switchboard since the last run
/// survive running the import again.</para>
/// </remarks>
public sealed class LegacyImport(Db db, SecretProtector secrets, FileStorage storage, Passwords passwords,
    TenantDirectory directory, VoiceMessageListCache voiceLists)
{
    public sealed record Options(string TenantId, string? Name, string AccessFile, string WebConfig, string FilesDirectory,
        TimeZoneInfo TimeZone, bool DryRun);

    /// <summary>Where the legacy site served its audio from, as its TwiML and VoiceFile rows write it.</summary>
    public const string LegacyFilesPrefix = "/files/mp3/";

    /// <summary>The stable path the imported TwiML plays a migrated file from (relative, so it works on any host name).</summary>
    public static string AudioPath(string tenantId, string legacyName) =>
        $"/legacy/{tenantId}/files/mp3/{string.Join('/', legacyName.Split('/').Select(Uri.EscapeDataString))}";

    public async Task<ImportReport> RunAsync(Options options, CancellationToken ct = default)
    {
        var tenantId = options.TenantId.Trim();
        if (!TenantProvisioning.IdPattern().IsMatch(tenantId))
            throw new LegacyImportException("The tenant id must be 2–63 lower-case letters, digits or dashes, starting with a letter or digit.");

        var source = LegacySource.Read(options.AccessFile, options.WebConfig, options.FilesDirectory);
        var report = new ImportReport { DryRun = options.DryRun, TimeZone = options.TimeZone.Id, Tenant = new() { Id = tenantId } };
        report.TablesInFile = source.TablesInFile;
        foreach (var table in LegacyTables.All.Where(t => !source.Has(t)))
            report.Add(table, null, "missing_table", $"The Access file has no {table} table; nothing of it was imported.");

        if (options.DryRun) await EnsureDatabaseIsCurrentAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        var run = new ImportRun(connection, source, tenantId, new ImportPlan(), report, new LocalClock(options.TimeZone, report));

        await ImportTenant.PlanAsync(run, options, secrets);
        var files = await ImportVoiceFiles.PlanAsync(run);
        await ImportUsers.PlanAsync(run, passwords, hashPasswords: !options.DryRun);
        await ImportVoices.PlanAsync(run);
        await ImportVoiceXml.PlanAsync(run, files);
        await ImportCallLog.PlanAsync(run);

        if (options.DryRun) return report;

        await ImportWriter.WriteAsync(run, storage, secrets, passwords, ct);
        report.Committed = true;
        directory.Invalidate();
        voiceLists.Invalidate(tenantId);
        return report;
    }

    /// <summary>A dry run cannot create or migrate the database (that would be writing): it needs one App has prepared.</summary>
    private async Task EnsureDatabaseIsCurrentAsync(CancellationToken ct)
    {
        var latest = Migrator.Embedded().Max(m => m.Version);
        var current = 0L;
        if (File.Exists(db.FilePath))
        {
            await using var connection = await db.OpenAsync(ct);
            current = await connection.ExecuteScalarAsync<long>(
                "SELECT CASE WHEN EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations') THEN (SELECT COALESCE(MAX(version), 0) FROM schema_migrations) ELSE 0 END");
        }

        if (current < latest)
            throw new LegacyImportException($"The database {db.FilePath} is missing or not up to date, and a dry run changes nothing: " +
                                            "start App (or run the import without --dry-run) once first.");
    }
}

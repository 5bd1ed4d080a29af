using System.Text.Json;

namespace App.Features.Legacy;

/// <summary>
/// <c>dotnet run --project App -- legacy import --tenant ID --mdb FILE --web-config FILE --files DIR --time-zone TZ
/// [--name NAME] [--dry-run] [--json]</c>: brings a legacy installation into a tenant (see <see cref="LegacyImport"/>).
/// The report goes to stdout (one JSON object with <c>--json</c>); errors go to stderr with exit code 1 (2 for usage).
/// </summary>
public static class LegacyCli
{
    public const string Usage = """
        usage:
          legacy import --tenant ID --mdb FILE --web-config FILE --files DIR --time-zone TZ [--name NAME] [--dry-run] [--json]

            --tenant      the tenant to import into; created (named after the legacy site, or --name) when it does not exist
            --mdb         the legacy Access database (.mdb or .accdb), read with mdbtools
            --web-config  the legacy site's Web.config (Twilio account, sending number, site URL)
            --files       the legacy site's files/mp3 folder
            --time-zone   the zone the legacy server's clock ran in (IANA, e.g. America/Los_Angeles)
            --dry-run     read and report everything, write nothing
            --json        print the report as one JSON object
        """;

    public static bool Handles(string[] args) => args.Length > 0 && args[0] == "legacy";

    public static bool IsDryRun(string[] args) => Handles(args) && args.Contains("--dry-run");

    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter stdout, TextWriter stderr)
    {
        var tenant = Option(args, "--tenant");
        var mdb = Option(args, "--mdb");
        var webConfig = Option(args, "--web-config");
        var files = Option(args, "--files");
        var zoneId = Option(args, "--time-zone");
        if (args.Skip(1).FirstOrDefault() != "import" || tenant is null || mdb is null || webConfig is null || files is null || zoneId is null)
        {
            await stderr.WriteLineAsync(Usage);
            return 2;
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone))
        {
            await stderr.WriteLineAsync($"error: '{zoneId}' is not a time zone this machine knows; use an IANA name such as America/Los_Angeles.");
            return 2;
        }

        var options = new LegacyImport.Options(tenant, Option(args, "--name"), mdb, webConfig, files, zone, args.Contains("--dry-run"));
        try
        {
            var report = await services.GetRequiredService<LegacyImport>().RunAsync(options);
            await stdout.WriteAsync(args.Contains("--json") ? JsonSerializer.Serialize(report, Json.Options) + "\n" : report.ToText());
            return 0;
        }
        catch (LegacyImportException error)
        {
            await stderr.WriteLineAsync($"error: {error.Message}");
            return 1;
        }
        catch (Exception error) when (error is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"error: the import stopped and nothing was kept: {error.Message}");
            return 1;
        }
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && !args[index + 1].StartsWith("--", StringComparison.Ordinal) ? args[index + 1] : null;
    }
}

public static class LegacyServices
{
    public static IServiceCollection AddLegacyImport(this IServiceCollection services) => services.AddSingleton<LegacyImport>();
}

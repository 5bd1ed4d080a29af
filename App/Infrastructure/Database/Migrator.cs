using System.Reflection;
using Dapper;

namespace App.Infrastructure.Database;

/// <summary>
/// Applies the numbered SQL files embedded in App (Migrations/NNNN_name.sql) that the database has not seen yet,
/// each in its own transaction together with its row in schema_migrations, so running it on every start is safe.
/// </summary>
public sealed class Migrator(Db db, ILogger<Migrator> logger)
{
    public sealed record Migration(int Version, string Name, string Sql);

    public static IReadOnlyList<Migration> Embedded()
    {
        var assembly = typeof(Migrator).Assembly;
        const string marker = ".Migrations.";
        return assembly.GetManifestResourceNames()
            .Where(name => name.Contains(marker, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(resource =>
            {
                var fileName = resource[(resource.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..^4];
                var version = int.Parse(fileName.AsSpan(0, 4), System.Globalization.CultureInfo.InvariantCulture);
                return new Migration(version, fileName, Read(assembly, resource));
            })
            .OrderBy(m => m.Version)
            .ToList();
    }

    public IReadOnlyList<int> ApplyPending()
    {
        using var connection = db.Open();
        // WAL is a property of the file: set once, it stays.
        connection.Execute("PRAGMA journal_mode = WAL;");
        connection.Execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER PRIMARY KEY,
                name       TEXT NOT NULL,
                applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
            )
            """);

        var applied = new List<int>();
        foreach (var migration in Embedded())
        {
            // BEGIN IMMEDIATE takes the write lock first, so two processes starting together cannot both apply a migration.
            using var transaction = connection.BeginTransaction(deferred: false);
            var seen = connection.ExecuteScalar<long>(
                "SELECT COUNT(*) FROM schema_migrations WHERE version = @Version", new { migration.Version }, transaction);
            if (seen > 0)
            {
                transaction.Commit();
                continue;
            }

            connection.Execute(migration.Sql, transaction: transaction);
            connection.Execute("INSERT INTO schema_migrations (version, name) VALUES (@Version, @Name)",
                new { migration.Version, migration.Name }, transaction);
            transaction.Commit();
            applied.Add(migration.Version);
            logger.LogInformation("Applied migration {Version} {Name}", migration.Version, migration.Name);
        }

        // Keeps the query planner's statistics current so filters pick the right index (cheap when nothing changed).
        connection.Execute("PRAGMA optimize;");
        return applied;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Missing embedded migration {resource}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace App.Infrastructure.Database;

/// <summary>
/// Applies the numbered SQL files embedded in App (Migrations/NNNN_name.sql) that the database has not seen yet,
/// each in its own transaction together with its row in schema_migrations, so running it on every start is safe.
/// An applied migration is never edited: a database that applied it would never get the change. Each one's checksum
/// is recorded, and App refuses to start, naming the file, when an applied file no longer matches what was applied.
/// </summary>
public sealed class Migrator(Db db, ILogger<Migrator> logger)
{
    public sealed record Migration(int Version, string Name, string Sql)
    {
        public string FileName => Name + ".sql";

        /// <summary>SHA-256 of the text with LF line ends, so a checkout with CRLF line ends is the same file.</summary>
        public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));
    }

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
                applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
                checksum   TEXT
            )
            """);
        if (!connection.Query<string>("SELECT name FROM pragma_table_info('schema_migrations')").Contains("checksum"))
            connection.Execute("ALTER TABLE schema_migrations ADD COLUMN checksum TEXT");

        var embedded = Embedded();
        var alreadyApplied = VerifyApplied(connection, embedded);

        var applied = new List<int>();
        // An up-to-date database (every start but the first after an upgrade) opens no transaction at all.
        foreach (var migration in embedded.Where(m => !alreadyApplied.Contains(m.Version)))
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
            connection.Execute("INSERT INTO schema_migrations (version, name, checksum) VALUES (@Version, @Name, @Checksum)",
                new { migration.Version, migration.Name, migration.Checksum }, transaction);
            transaction.Commit();
            applied.Add(migration.Version);
            logger.LogInformation("Applied migration {Version} {Name}", migration.Version, migration.Name);
        }

        return applied;
    }

    /// <summary>
    /// The checksums of files whose comments alone were reworded after they were applied (the SQL is the same: they
    /// cited documents that are not in the repository). A database that applied the earlier wording takes the new checksum.
    /// </summary>
    private static readonly Dictionary<string, string> EarlierWordings = new(StringComparer.Ordinal)
    {
        ["0001_initial"] = "a83a78050fc35a97bc8a61a3cc3bc622275b9c0de63876ed74f41209712011d3",
        ["0002_messaging"] = "1c3dea9dab6be7152e196fba2e65fe8d8cd44084ab2f28e1c5855d97b337b19b",
    };

    private sealed record AppliedRow(long Version, string Name, string? Checksum);

    /// <summary>
    /// Every migration the database has applied must still be embedded, unchanged. Rows recorded before checksums
    /// existed take the checksum of the file as it is now (migration 0007 repairs what earlier edits left behind).
    /// </summary>
    /// <returns>The versions the database has applied.</returns>
    private static HashSet<int> VerifyApplied(SqliteConnection connection, IReadOnlyList<Migration> embedded)
    {
        var byVersion = embedded.ToDictionary(m => m.Version);
        var applied = new HashSet<int>();
        foreach (var row in connection.Query<AppliedRow>("SELECT version, name, checksum FROM schema_migrations ORDER BY version"))
        {
            applied.Add((int)row.Version);
            if (!byVersion.TryGetValue((int)row.Version, out var migration))
                throw new MigrationMismatchException(
                    $"The database has applied migration {row.Name}.sql, which this version of App does not have: it was made by a newer version. Start that version, or restore a backup made with this one.");

            if (row.Checksum is null)
            {
                connection.Execute("UPDATE schema_migrations SET checksum = @Checksum WHERE version = @Version AND checksum IS NULL",
                    new { migration.Checksum, migration.Version });
                continue;
            }

            if (EarlierWordings.TryGetValue(migration.Name, out var earlier) && string.Equals(row.Checksum, earlier, StringComparison.Ordinal))
            {
                connection.Execute("UPDATE schema_migrations SET checksum = @Checksum WHERE version = @Version",
                    new { migration.Checksum, migration.Version });
                continue;
            }

            if (!string.Equals(row.Checksum, migration.Checksum, StringComparison.Ordinal))
                throw new MigrationMismatchException(
                    $"Migrations/{migration.FileName} was changed after this database applied it (checksum {row.Checksum[..12]}… applied, {migration.Checksum[..12]}… now). Applied migrations must never be edited: restore the file and put the change in a new migration.");
        }

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

/// <summary>The database and the migrations embedded in App disagree; App must not start on it.</summary>
public sealed class MigrationMismatchException(string message) : Exception(message);

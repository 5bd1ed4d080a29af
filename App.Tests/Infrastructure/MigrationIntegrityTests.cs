using App.Infrastructure.Database;
using App.Tests.Support;
using Dapper;
using Microsoft.Data.Sqlite;

namespace App.Tests.Infrastructure;

/// <summary>
/// Applied migrations are never edited: App records what it applied and refuses to start on a database whose applied
/// migrations no longer match the files, and databases made before the edits of 0001, 0002 and 0006 are repaired.
/// </summary>
public sealed class MigrationIntegrityTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));

    private Dictionary<string, string> Environment() => AppProcess.Environment(_dataDirectory, "http://127.0.0.1:9");

    private SqliteConnection OpenDatabase()
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDirectory, "app.db")};Pooling=False");
        connection.Open();
        return connection;
    }

    [Fact]
    public async Task App_refuses_to_start_naming_the_file_when_an_applied_migration_was_changed()
    {
        (await AppProcess.RunCommandAsync(Environment(), "tenant", "list")).ExitCode.ShouldBe(0);
        using (var connection = OpenDatabase())
        {
            connection.Query<string?>("SELECT checksum FROM schema_migrations").ShouldAllBe(checksum => checksum != null && checksum.Length == 64);
            // As if 0002_messaging.sql had been edited after this database applied it.
            connection.Execute("UPDATE schema_migrations SET checksum = @other WHERE version = 2", new { other = new string('0', 64) });
        }

        var (exitCode, _, stderr) = await AppProcess.RunCommandAsync(Environment(), "tenant", "list");

        exitCode.ShouldBe(2);
        stderr.ShouldContain("0002_messaging.sql");
        stderr.ShouldContain("changed after this database applied it");
        stderr.ShouldNotContain("   at "); // a sentence for the operator, not a stack trace
    }

    [Fact]
    public async Task A_database_that_applied_the_earlier_comments_of_0001_and_0002_starts_and_records_the_current_files()
    {
        (await AppProcess.RunCommandAsync(Environment(), "tenant", "list")).ExitCode.ShouldBe(0);
        string[] current;
        using (var connection = OpenDatabase())
        {
            current = connection.Query<string>("SELECT checksum FROM schema_migrations WHERE version IN (1, 2) ORDER BY version").ToArray();
            // The checksums of the two files as they were applied before their comments were reworded (same SQL).
            connection.Execute("UPDATE schema_migrations SET checksum = 'a83a78050fc35a97bc8a61a3cc3bc622275b9c0de63876ed74f41209712011d3' WHERE version = 1");
            connection.Execute("UPDATE schema_migrations SET checksum = '1c3dea9dab6be7152e196fba2e65fe8d8cd44084ab2f28e1c5855d97b337b19b' WHERE version = 2");
        }

        (await AppProcess.RunCommandAsync(Environment(), "tenant", "list")).ExitCode.ShouldBe(0);

        using (var connection = OpenDatabase())
            connection.Query<string>("SELECT checksum FROM schema_migrations WHERE version IN (1, 2) ORDER BY version").ToArray().ShouldBe(current);
    }

    [Fact]
    public async Task App_refuses_a_database_migrated_by_a_newer_version()
    {
        (await AppProcess.RunCommandAsync(Environment(), "tenant", "list")).ExitCode.ShouldBe(0);
        using (var connection = OpenDatabase())
            connection.Execute("INSERT INTO schema_migrations (version, name, checksum) VALUES (9999, '9999_from_the_future', 'x')");

        var (exitCode, _, stderr) = await AppProcess.RunCommandAsync(Environment(), "tenant", "list");

        exitCode.ShouldBe(2);
        stderr.ShouldContain("9999_from_the_future.sql");
    }

    [Fact]
    public async Task A_database_made_before_migrations_were_edited_is_repaired_and_its_history_search_still_finds_old_messages()
    {
        var (_, created, _) = await AppProcess.RunCommandAsync(Environment(), "tenant", "create", "--name", "Old Timer", "--id", "old-timer");
        var apiKey = System.Text.Json.JsonDocument.Parse(created).RootElement.GetProperty("api_key").GetString()!;
        using (var connection = OpenDatabase())
        {
            // Back to the shape the first versions of 0001, 0002 and 0006 gave, with no checksums and no 0007 yet.
            connection.Execute("""
                DROP INDEX idx_outbox_twins;
                ALTER TABLE outbox DROP COLUMN twin_key;
                DROP INDEX idx_communication_log_costless;
                DROP INDEX idx_communication_log_nonfinal;
                CREATE INDEX idx_communication_log_nonfinal ON communication_log(status_rank, updated_at) WHERE status_rank < 4;
                DROP INDEX idx_communication_log_tenant_direction;
                DROP INDEX idx_communication_log_tenant_to;
                CREATE INDEX idx_communication_log_tenant_to ON communication_log(tenant_id, to_number, created_at DESC);
                DROP TRIGGER communication_log_search_delete;
                DROP TABLE communication_log_search;
                DROP TABLE communication_log_search_state;
                CREATE VIRTUAL TABLE communication_log_search USING fts5(
                    message_content, to_number, from_number, twilio_sid,
                    content = 'communication_log', content_rowid = 'id', tokenize = 'trigram');
                CREATE TRIGGER communication_log_search_insert AFTER INSERT ON communication_log
                BEGIN
                    INSERT INTO communication_log_search (rowid, message_content, to_number, from_number, twilio_sid)
                    VALUES (NEW.id, NEW.message_content, NEW.to_number, NEW.from_number, NEW.twilio_sid);
                END;
                INSERT INTO communication_log (tenant_id, network_type, direction, to_number, from_number, message_content, status, status_rank)
                VALUES ('old-timer', 'sms', 'inbound', '+15005550006', '+14155550190', 'Please remind me about flossing', 'received', 4);
                DELETE FROM schema_migrations WHERE version = 7;
                UPDATE schema_migrations SET checksum = NULL;
                """);
        }

        await using (var app = await AppProcess.StartAsync(Environment()))
        {
            using var client = app.Client(apiKey);
            var found = await (await client.GetAsync("/api/communication/history?q=floss")).ShouldBeSuccessAsync();
            found.GetArrayLength().ShouldBe(1);
        }

        using var repaired = OpenDatabase();
        string Sql(string name) => repaired.ExecuteScalar<string>("SELECT sql FROM sqlite_master WHERE name = @name", new { name }) ?? "(missing)";
        Sql("idx_communication_log_nonfinal").ShouldContain("twilio_sid IS NOT NULL");
        Sql("idx_communication_log_costless").ShouldContain("cost_amount IS NULL");
        Sql("idx_communication_log_tenant_to").ShouldContain("id DESC");
        Sql("idx_communication_log_tenant_direction").ShouldContain("direction");
        Sql("communication_log_search").ShouldNotContain("twilio_sid");
        Sql("communication_log_search_insert").ShouldBe("(missing)");
        Sql("idx_outbox_twins").ShouldContain("twin_key");
        repaired.Query<string?>("SELECT checksum FROM schema_migrations").ShouldAllBe(checksum => checksum != null);
        repaired.ExecuteScalar<long>("SELECT COUNT(*) FROM schema_migrations").ShouldBe(Migrator.Embedded().Count);
    }

    [Fact]
    public async Task Every_connection_commits_with_a_full_sync()
    {
        (await AppProcess.RunCommandAsync(Environment(), "tenant", "list")).ExitCode.ShouldBe(0);
        var db = new Db(new DataDirectory(_dataDirectory));
        await using var connection = await db.OpenAsync();
        (await connection.ExecuteScalarAsync<long>("PRAGMA synchronous")).ShouldBe(2); // FULL
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dataDirectory, recursive: true); }
        catch (DirectoryNotFoundException) { }
        catch (IOException) { }
    }
}

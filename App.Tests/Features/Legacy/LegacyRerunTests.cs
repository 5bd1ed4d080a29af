using System.Text.Json;
using App.Tests.Features.Users;
using App.Tests.Support;
using Dapper;
using Microsoft.Data.Sqlite;

namespace App.Tests.Features.Legacy;

/// <summary>
/// What an operator does around cutover: a dry run first, the import, the import again (after the legacy site kept
/// working for a while), and an import that fails half-way. Each test has its own data directory.
/// </summary>
public sealed class LegacyRerunTests : IDisposable
{
    // The SQLite shared-memory index is rebuilt by every reader; it holds no data.
    private const string SharedMemory = "-shm";
    private readonly AppFactory _app = new();
    private readonly LegacyCommand _command;
    private readonly string _tools = Path.Combine(Path.GetTempPath(), "switchboard-legacy-tools", Guid.NewGuid().ToString("N"));

    public LegacyRerunTests() => _command = new LegacyCommand(_app.DataDirectory);

    [Fact]
    public async Task A_dry_run_reports_everything_and_writes_nothing_at_all()
    {
        (await _command.RunAsync("tenant", "list")).ExitCode.ShouldBe(0); // the database exists, as it does on a server
        var before = LegacyCommand.Snapshot(_app.DataDirectory, SharedMemory);

        var dry = await _command.ImportAsync("--dry-run", "--json");

        dry.ExitCode.ShouldBe(0, dry.Stderr);
        LegacyCommand.Snapshot(_app.DataDirectory, SharedMemory).ShouldBe(before);
        Directory.Exists(Path.Combine(_app.DataDirectory, "files")).ShouldBeFalse();
        var report = dry.Report;
        report.GetProperty("dry_run").GetBoolean().ShouldBeTrue();
        report.GetProperty("committed").GetBoolean().ShouldBeFalse();
        report.GetProperty("tenant").GetProperty("created").GetBoolean().ShouldBeTrue();
        report.GetProperty("tenant").GetProperty("api_key").ValueKind.ShouldBe(JsonValueKind.Null);
        Imported(report).ShouldBe([4, 8, 10, 6, 40]);
        (await _command.RunAsync("tenant", "list")).Stdout.Trim().ShouldBe("[]");

        // The real run then finds exactly what the dry run announced.
        var real = await _command.ImportAsync("--json");
        Imported(real.Report).ShouldBe([4, 8, 10, 6, 40]);
        ProblemsOf(real.Report).ShouldBe(ProblemsOf(report));

        // And a dry run against the imported tenant, with a changed legacy row, still writes nothing.
        var afterImport = LegacyCommand.Snapshot(_app.DataDirectory, SharedMemory);
        _command.ToolsDirectory = LegacyCommand.WrapMdbExport(_tools, """if [ "$last" = Voice ]; then sed 's/reschedule\./rebook./'; else cat; fi""");
        var changed = await _command.ImportAsync("--dry-run", "--json");
        Table(changed.Report, "Voice").GetProperty("updated").GetInt32().ShouldBe(1);
        LegacyCommand.Snapshot(_app.DataDirectory, SharedMemory).ShouldBe(afterImport);
    }

    [Fact]
    public async Task Running_the_import_again_changes_nothing_and_says_so()
    {
        var first = await _command.ImportAsync("--json");
        first.ExitCode.ShouldBe(0, first.Stderr);
        var apiKey = first.Report.GetProperty("tenant").GetProperty("api_key").GetString()!;
        // Every start of App refreshes the planner's statistics once tables have grown: let that happen before comparing.
        (await _command.RunAsync("tenant", "list")).ExitCode.ShouldBe(0);
        var before = LegacyCommand.Snapshot(_app.DataDirectory, SharedMemory);

        var again = await _command.ImportAsync();

        again.ExitCode.ShouldBe(0, again.Stderr);
        again.Stdout.ShouldContain("Legacy import — done.");
        again.Stdout.ShouldContain("Tenant: harbor (voice.harbordental.example)\n");
        again.Stdout.ShouldNotContain("sb_"); // the key is shown only when the tenant is created
        again.Stdout.ShouldContain("Users           4         0        0          4        0");
        again.Stdout.ShouldContain("CallLog        40         0        0         40        0");
        LegacyCommand.Snapshot(_app.DataDirectory, SharedMemory).ShouldBe(before);

        var client = _app.ClientWithKey(apiKey);
        (await (await client.GetAsync("/api/communication/history?date_from=2000-01-01&per_page=100")).ShouldBeSuccessAsync()).GetArrayLength().ShouldBe(40);
        (await (await client.GetAsync("/api/files")).ShouldBeSuccessAsync()).GetArrayLength().ShouldBe(6);
        Directory.EnumerateFiles(Path.Combine(_app.DataDirectory, "files", "harbor")).Count().ShouldBe(5);
    }

    [Fact]
    public async Task Changed_legacy_rows_update_their_migrated_rows_and_the_report_says_which()
    {
        var first = await _command.ImportAsync("--json");
        var apiKey = first.Report.GetProperty("tenant").GetProperty("api_key").GetString()!;
        var client = _app.ClientWithKey(apiKey);
        var voicesBefore = await Voices(client);

        // Meanwhile in the legacy app: a text edited, a password changed, a user added whose name differs only in case,
        // and a call logged in the hour the clocks went back (2018-11-04 01:30 happened twice in Seattle).
        _command.ToolsDirectory = LegacyCommand.WrapMdbExport(_tools, """
            case "$last" in
              Voice) sed 's/reschedule\./rebook./' ;;
              Users) sed 's/"Summer2008!"/"Autumn2009!!"/'; printf '5,"JSMITH","another-pw-2019","Jay Smith",,0,1,,"2019-01-01 00:00:00"\n' ;;
              CallLog) sed 's/"2019-09-23 15:13:53"/"2018-11-04 01:30:00"/' ;;
              *) cat ;;
            esac
            """);
        var second = await _command.ImportAsync("--json");

        second.ExitCode.ShouldBe(0, second.Stderr);
        var report = second.Report;
        Table(report, "Voice").GetProperty("updated").GetInt32().ShouldBe(1);
        Table(report, "Voice").GetProperty("unchanged").GetInt32().ShouldBe(7);
        Table(report, "Users").GetProperty("read").GetInt32().ShouldBe(5);
        Table(report, "Users").GetProperty("updated").GetInt32().ShouldBe(1);
        Table(report, "Users").GetProperty("skipped").GetInt32().ShouldBe(1);
        Table(report, "CallLog").GetProperty("updated").GetInt32().ShouldBe(1);
        Table(report, "CallLog").GetProperty("unchanged").GetInt32().ShouldBe(39);
        report.GetProperty("ambiguous_local_times").GetInt32().ShouldBe(1);
        ProblemsOf(report).ShouldContain("Users #5 duplicate_username");
        ProblemsOf(report).ShouldContain("CallLog #40 ambiguous_local_time");

        // The same migrated row, changed (read by id: the running app's list cache only hears of its own writes).
        var storm = await (await client.GetAsync($"/api/voice-messages/{voicesBefore["Storm closure"].GetProperty("id").GetInt64()}")).ShouldBeSuccessAsync();
        storm.GetProperty("voice_text").GetString().ShouldBe("Due to severe weather, the office is closed today.\r\nWe will call you to rebook.");
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(_app.DataDirectory, "app.db")};Pooling=False"))
            (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM voice_messages")).ShouldBe(8);

        await (await _app.LoginAsync("harbor", "jsmith", "Autumn2009!!")).ShouldBeSuccessAsync();
        await (await _app.LoginAsync("harbor", "jsmith", "Summer2008!")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
        (await (await client.GetAsync("/api/users")).ShouldBeSuccessAsync()).GetArrayLength().ShouldBe(4);

        var moved = await (await client.GetAsync("/api/communication/history?date_from=2018-11-01&date_to=2018-11-05")).ShouldBeSuccessAsync();
        moved.GetArrayLength().ShouldBe(1);
        moved[0].GetProperty("twilio_sid").GetString().ShouldBe("SM7b5a28276422965b94f377e1a0bb2ebe");
        moved[0].GetProperty("created_at").GetString().ShouldBe("2018-11-04T08:30:00Z"); // 01:30 PDT, the earlier of the two
        // The search index follows the moved row too.
        var found = await (await client.GetAsync("/api/communication/history?date_from=2000-01-01&q=2019-09-24")).ShouldBeSuccessAsync();
        found.GetArrayLength().ShouldBe(1);

        // A password chosen in Switchboard is never replaced by the legacy one afterwards.
        var users = await (await client.GetAsync("/api/users?search=jsmith")).ShouldBeSuccessAsync();
        var jsmithId = users[0].GetProperty("id").GetInt64();
        await (await client.PostJsonAsync($"/api/users/{jsmithId}/reset-password", new { password = "chosen in switchboard" })).ShouldBeSuccessAsync();
        _command.ToolsDirectory = LegacyCommand.WrapMdbExport(_tools, """if [ "$last" = Users ]; then sed 's/"Summer2008!"/"Winter2010!!"/'; else cat; fi""");
        (await _command.ImportAsync()).ExitCode.ShouldBe(0);
        await (await _app.LoginAsync("harbor", "jsmith", "chosen in switchboard")).ShouldBeSuccessAsync();
    }

    [Fact]
    public async Task A_run_that_fails_half_way_leaves_the_tenant_as_it_was_and_removes_the_files_it_copied()
    {
        (await _command.RunAsync("tenant", "list")).ExitCode.ShouldBe(0);
        // A failure injected in the middle of the transaction: after the users, files, voices and half the history.
        await ExecuteAsync("""
            CREATE TRIGGER fail_half_way BEFORE INSERT ON communication_log WHEN NEW.legacy_id = 20
            BEGIN SELECT RAISE(ABORT, 'injected failure'); END;
            """);

        var failed = await _command.ImportAsync("--json");

        failed.ExitCode.ShouldBe(1);
        failed.Stdout.ShouldBeEmpty();
        failed.Stderr.ShouldContain("nothing was kept");
        failed.Stderr.ShouldContain("injected failure");
        (await _command.RunAsync("tenant", "list")).Stdout.Trim().ShouldBe("[]");
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(_app.DataDirectory, "app.db")};Pooling=False"))
        {
            foreach (var table in new[] { "users", "voice_messages", "voice_xml", "voice_files", "communication_log" })
                (await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}")).ShouldBe(0, table);
        }

        var files = Path.Combine(_app.DataDirectory, "files");
        (Directory.Exists(files) ? Directory.EnumerateFiles(files, "*", SearchOption.AllDirectories).ToList() : []).ShouldBeEmpty();

        // Once the cause is gone, the same command imports everything.
        await ExecuteAsync("DROP TRIGGER fail_half_way;");
        var retried = await _command.ImportAsync("--json");
        retried.ExitCode.ShouldBe(0, retried.Stderr);
        Imported(retried.Report).ShouldBe([4, 8, 10, 6, 40]);
    }

    [Fact]
    public async Task A_failed_re_run_keeps_the_earlier_import_intact()
    {
        (await _command.ImportAsync()).ExitCode.ShouldBe(0);
        await ExecuteAsync("""
            CREATE TRIGGER fail_on_update BEFORE UPDATE OF message_content ON communication_log
            BEGIN SELECT RAISE(ABORT, 'injected failure'); END;
            """);
        _command.ToolsDirectory = LegacyCommand.WrapMdbExport(_tools, """
            case "$last" in
              Voice) sed 's/reschedule\./rebook./' ;;
              CallLog) sed 's/Reply C to confirm\./Reply Y to confirm./' ;;
              *) cat ;;
            esac
            """);

        var failed = await _command.ImportAsync();

        failed.ExitCode.ShouldBe(1);
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_app.DataDirectory, "app.db")};Pooling=False");
        (await connection.ExecuteScalarAsync<string>("SELECT voice_text FROM voice_messages WHERE legacy_id = 7"))!.ShouldEndWith("reschedule.");
        (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM communication_log WHERE message_content LIKE '%Reply Y%'")).ShouldBe(0);
        Directory.EnumerateFiles(Path.Combine(_app.DataDirectory, "files", "harbor")).Count().ShouldBe(5);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_app.DataDirectory, "app.db")};Pooling=False");
        await connection.ExecuteAsync(sql);
    }

    private static async Task<Dictionary<string, JsonElement>> Voices(HttpClient client) =>
        (await (await client.GetAsync("/api/voice-messages?per_page=100")).ShouldBeSuccessAsync()).EnumerateArray()
        .ToDictionary(v => v.GetProperty("name").GetString()!);

    private static JsonElement Table(JsonElement report, string name) =>
        report.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("table").GetString() == name);

    private static int[] Imported(JsonElement report) =>
        report.GetProperty("tables").EnumerateArray().Select(t => t.GetProperty("imported").GetInt32()).ToArray();

    private static List<string> ProblemsOf(JsonElement report) =>
        report.GetProperty("problems").EnumerateArray()
            .Select(p => $"{p.GetProperty("table").GetString()} #{p.GetProperty("legacy_id")} {p.GetProperty("kind").GetString()}").ToList();

    public void Dispose()
    {
        _app.Dispose();
        try { Directory.Delete(_tools, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}

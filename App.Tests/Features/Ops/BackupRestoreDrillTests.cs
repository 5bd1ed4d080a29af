using System.Text.Json;
using App.Tests.Features.Files;
using App.Tests.Features.VoiceMessages;
using App.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;

namespace App.Tests.Features.Ops;

/// <summary>A server on a data directory chosen by the test, so a second one can start where the first stopped.</summary>
public sealed class ServerOn : KestrelAppFactory
{
    public const string MasterKey = "9u9Q2u5xP8WkJd0b7lq3c0lM6yY3m1m2m1N8tq3Yk1w=";

    private readonly string _dataDirectory;

    public ServerOn(string dataDirectory, Dictionary<string, string?>? settings = null)
    {
        _dataDirectory = dataDirectory;
        Settings["Operator:ApiKey"] = OperatorKey;
        Settings["App:MasterKey"] = MasterKey;
        foreach (var (key, value) in settings ?? []) Settings[key] = value;
    }

    public string Directory => _dataDirectory;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("App:DataDirectory", _dataDirectory);
    }

    public HttpClient TenantClient(string apiKey) => ClientWithKey(apiKey);
}

/// <summary>
/// The restore drill: data written through HTTP, a backup taken with the server running, the data directory
/// destroyed, the backup restored, and a new server on the restored directory answers with every row and file.
/// </summary>
public sealed class BackupRestoreDrillTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "switchboard-drill", Guid.NewGuid().ToString("N"));
    private string DataDirectory => Path.Combine(_root, "data");
    private string BackupFile => Path.Combine(_root, "backups", "drill.tar.gz");

    [Fact]
    public async Task Everything_written_through_the_API_comes_back_after_backup_destroy_and_restore()
    {
        var audio = AudioFixtures.Mp3(2.0);
        string apiKey, tenantId;
        JsonElement profileBefore, voiceMessagesBefore, filesBefore, historyBefore;
        var tablesBefore = new Dictionary<string, long>();

        await using (var server = new ServerOn(DataDirectory))
        {
            _ = server.BaseAddress;
            var created = await (await server.OperatorClient().PostJsonAsync("/api/system/tenants", new { name = "Drill Dental", id = "drill" })).ShouldBeSuccessAsync(201);
            apiKey = created.GetProperty("api_key").GetString()!;
            tenantId = created.GetProperty("id").GetString()!;
            using var client = server.TenantClient(apiKey);

            await (await client.PutJsonAsync("/api/tenant/profile", new
            {
                name = "Drill Dental",
                twilio_sid = "AC" + new string('a', 32),
                twilio_token = "Tok" + new string('7', 25) + "9z8y",
                from_number = "+14155550100",
            })).ShouldBeSuccessAsync();
            var file = await client.UploadOkAsync(audio, "greeting.mp3", description: "Front desk greeting");
            await client.CreateAsync(VoiceMessageTestData.Body("Recall reminder", "Hello {{first_name}}, time for your cleaning."));
            var sms = await (await client.PostJsonAsync("/api/communication/sms/send", new { to = "+14155550123", message = "See you Monday at 9." })).ShouldBeSuccessAsync();
            var smsId = sms.GetProperty("id").GetInt64();
            await Eventually.GetAsync(async () => (await (await client.GetAsync($"/api/communication/history/{smsId}")).ShouldBeSuccessAsync()).GetProperty("status").GetString(),
                status => status == "delivered", what: "the SMS to be delivered");

            profileBefore = await (await client.GetAsync("/api/tenant/profile")).ShouldBeSuccessAsync();
            voiceMessagesBefore = await (await client.GetAsync("/api/voice-messages/")).ShouldBeSuccessAsync();
            filesBefore = await (await client.GetAsync("/api/files")).ShouldBeSuccessAsync();
            historyBefore = await (await client.GetAsync("/api/communication/history")).ShouldBeSuccessAsync();
            file.GetProperty("id").GetInt64().ShouldBeGreaterThan(0);

            await using (var connection = await server.Db.OpenAsync())
                foreach (var table in new[] { "tenants", "voice_files", "voice_messages", "communication_log", "status_events" })
                    tablesBefore[table] = (long)new SqliteCommand($"SELECT COUNT(*) FROM {table}", connection).ExecuteScalar()!;

            // Online: the server is still running while the second process takes the backup.
            var backup = await AppProcess.RunAsync(DataDirectory, "backup", "--to", BackupFile);
            backup.ExitCode.ShouldBe(0, backup.Stderr);
            var summary = JsonDocument.Parse(backup.Stdout).RootElement;
            summary.GetProperty("integrity_check").GetString().ShouldBe("ok");
            summary.GetProperty("files").GetInt32().ShouldBe(1);
            (await (await client.GetAsync("/api/tenant/profile")).ShouldBeSuccessAsync()).GetProperty("id").GetString().ShouldBe(tenantId);
        }

        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(DataDirectory, recursive: true);

        var restore = await AppProcess.RunAsync(DataDirectory, "restore", "--from", BackupFile);
        restore.ExitCode.ShouldBe(0, restore.Stderr);
        JsonDocument.Parse(restore.Stdout).RootElement.GetProperty("integrity_check").GetString().ShouldBe("ok");

        await using (var restored = new ServerOn(DataDirectory))
        {
            using var client = restored.TenantClient(apiKey);
            var profile = await (await client.GetAsync("/api/tenant/profile")).ShouldBeSuccessAsync();
            profile.ToString().ShouldBe(profileBefore.ToString());
            // The masked token comes from the decrypted secret: the key ring came back and the master key opens it.
            profile.GetProperty("twilio_token_mask").GetString().ShouldBe("••••9z8y");
            (await (await client.GetAsync("/api/voice-messages/")).ShouldBeSuccessAsync()).ToString().ShouldBe(voiceMessagesBefore.ToString());
            var files = await (await client.GetAsync("/api/files")).ShouldBeSuccessAsync();
            files.ToString().ShouldBe(filesBefore.ToString());
            var download = await client.GetAsync($"/api/files/{files[0].GetProperty("id").GetInt64()}/download");
            (await download.Content.ReadAsByteArrayAsync()).ShouldBe(audio);
            (await (await client.GetAsync("/api/communication/history")).ShouldBeSuccessAsync()).ToString().ShouldBe(historyBefore.ToString());

            await using var connection = await restored.Db.OpenAsync();
            foreach (var (table, count) in tablesBefore)
                ((long)new SqliteCommand($"SELECT COUNT(*) FROM {table}", connection).ExecuteScalar()!).ShouldBe(count, table);
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { System.IO.Directory.Delete(_root, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}

using App.Tests.Support;
using App.Twilio.Simulator;
using Dapper;

namespace App.Tests.Features.Communication;

/// <summary>A crash between acceptance and sending loses nothing and sends nothing twice.</summary>
public sealed class OutboxRestartTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));

    private sealed class Instance : KestrelAppFactory
    {
        public Instance(string directory, bool worker)
        {
            Settings["App:DataDirectory"] = directory;
            Settings["Outbox:Enabled"] = worker ? "true" : "false";
            Settings["Outbox:LockSeconds"] = "1";
        }
    }

    [Fact]
    public async Task Accepted_sends_survive_a_restart_and_each_goes_out_exactly_once()
    {
        TestTenant tenant;
        var ids = new List<long>();
        using (var before = new Instance(_dataDirectory, worker: false))
        {
            tenant = await before.CreateTenantAsync();
            for (var i = 0; i < 5; i++)
            {
                var data = await (await tenant.Client().PostJsonAsync("/api/communication/sms/send", new { to = "+14155550120", message = $"Survivor {i}" })).ShouldBeSuccessAsync();
                ids.Add(data.GetProperty("id").GetInt64());
            }

            // One entry was claimed by a worker that then died mid-send (its lock expires, and it must be reconciled first).
            await using var connection = await before.Db.OpenAsync();
            await connection.ExecuteAsync("UPDATE outbox SET state = 'in_flight', locked_until = '2020-01-01T00:00:00.000Z', attempts = 1 WHERE log_id = @id", new { id = ids[0] });
        }

        using var after = new Instance(_dataDirectory, worker: true);
        _ = after.BaseAddress;
        var client = after.ClientWithKey(tenant.ApiKey);
        foreach (var id in ids)
        {
            await Eventually.GetAsync(async () => (await (await client.GetAsync($"/api/communication/history/{id}")).ShouldBeSuccessAsync()).GetProperty("status").GetString(),
                status => status == "delivered", what: $"log {id} delivered");
        }

        var ledger = after.Service<SimulatorLedger>();
        for (var i = 0; i < 5; i++) ledger.Messages.Values.Count(m => m.Body == $"Survivor {i}").ShouldBe(1);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dataDirectory, recursive: true); }
        catch (DirectoryNotFoundException) { }
        catch (IOException) { }
    }
}

using System.Net;
using App.Infrastructure.Database;
using App.Tests.Support;
using Dapper;

namespace App.Tests.Infrastructure;

/// <summary>
/// Sends, callbacks and audit rows are committed in shared batches: each request must still get exactly its own rows,
/// and a unit of work that fails must leave nothing behind while the rest of its batch commits.
/// </summary>
public sealed class WriteBatcherTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Many_sends_at_once_each_commit_once_with_their_outbox_entry_and_audit_row()
    {
        var tenant = await factory.CreateTenantAsync();
        var client = tenant.Client();

        var answers = await Task.WhenAll(Enumerable.Range(0, 150).Select(i =>
            client.PostJsonAsync("/api/communication/sms/send", new { to = $"+1415555{i:0000}", message = $"Reminder {i}" })));

        answers.ShouldAllBe(a => a.StatusCode == HttpStatusCode.OK);
        var sent = await Task.WhenAll(answers.Select(async a => await a.ShouldBeSuccessAsync()));
        var ids = sent.Select(d => d.GetProperty("id").GetInt64()).ToList();
        ids.Distinct().Count().ShouldBe(150);

        await using var connection = await factory.Db.OpenAsync();
        var rows = (await connection.QueryAsync<(long Id, string To, string Body)>(
            "SELECT id, to_number, message_content FROM communication_log WHERE tenant_id = @Id", new { tenant.Id })).ToDictionary(r => r.Id);
        rows.Count.ShouldBe(150);
        foreach (var data in sent)
        {
            var row = rows[data.GetProperty("id").GetInt64()];
            row.To.ShouldBe(data.GetProperty("to").GetString());
            row.Body.ShouldBe(data.GetProperty("message").GetString());
            row.Body.ShouldBe($"Reminder {int.Parse(row.To[^4..])}");
        }

        (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE tenant_id = @Id", new { tenant.Id })).ShouldBe(150);
        var audited = (await connection.QueryAsync<string>(
            "SELECT entity_id FROM audit_log WHERE tenant_id = @Id AND method = 'POST' AND outcome = 'success'", new { tenant.Id })).ToList();
        audited.Order().ShouldBe(ids.Select(id => id.ToString()).Order());
    }

    [Fact]
    public async Task An_accepted_send_is_audited_once_with_its_id_and_a_refused_one_as_a_failure()
    {
        var tenant = await factory.CreateTenantAsync();
        await using (var connection = await factory.Db.OpenAsync())
            await connection.ExecuteAsync("INSERT INTO opt_outs (tenant_id, phone_number, keyword) VALUES (@Id, '+14155550199', 'STOP')", new { tenant.Id });
        var client = tenant.Client();

        var accepted = await (await client.PostJsonAsync("/api/communication/sms/send", new { to = "+14155550198", message = "Hi" })).ShouldBeSuccessAsync();
        await (await client.PostJsonAsync("/api/communication/sms/send", new { to = "+14155550199", message = "Hi" })).ShouldBeErrorAsync(409, "OPTED_OUT");

        await using var reader = await factory.Db.OpenAsync();
        var rows = (await reader.QueryAsync<(string Outcome, int StatusCode, string? EntityId)>(
            "SELECT outcome, status_code, entity_id FROM audit_log WHERE tenant_id = @Id AND method = 'POST' ORDER BY id", new { tenant.Id })).ToList();
        rows.ShouldBe([("success", 200, accepted.GetProperty("id").GetInt64().ToString()), ("failure", 409, null)]);
    }

    [Fact]
    public async Task A_unit_that_throws_is_rolled_back_alone_and_its_caller_sees_the_exception()
    {
        var writes = factory.Service<WriteBatcher>();
        await writes.WriteAsync((connection, transaction) =>
            connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS batch_probe (n INTEGER PRIMARY KEY)", transaction: transaction));

        var units = Enumerable.Range(1, 60).Select(n => writes.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync("INSERT INTO batch_probe (n) VALUES (@n)", new { n }, transaction);
            if (n % 7 == 0) throw new InvalidOperationException($"unit {n} failed");
            return n;
        })).ToList();
        await Task.WhenAll(units.Select(u => u.ContinueWith(_ => { })));

        for (var n = 1; n <= 60; n++)
        {
            var unit = units[n - 1];
            if (n % 7 == 0)
                (await Should.ThrowAsync<InvalidOperationException>(() => unit)).Message.ShouldBe($"unit {n} failed");
            else
                (await unit).ShouldBe(n);
        }

        await using var reader = await factory.Db.OpenAsync();
        var stored = (await reader.QueryAsync<long>("SELECT n FROM batch_probe ORDER BY n")).ToList();
        stored.ShouldBe(Enumerable.Range(1, 60).Where(n => n % 7 != 0).Select(n => (long)n));
    }
}

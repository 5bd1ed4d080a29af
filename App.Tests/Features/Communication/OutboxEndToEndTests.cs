using App.Features.Communication.Outbox;
using App.Tests.Support;
using App.Twilio.Simulator;
using Dapper;

namespace App.Tests.Features.Communication;

/// <summary>
/// Sends through the durable outbox and the real Twilio client to the built-in simulator over real HTTP, with the
/// simulator's signed status callbacks coming back to our webhooks.
/// </summary>
public sealed class OutboxEndToEndTests(KestrelAppFactory factory) : IClassFixture<KestrelAppFactory>
{
    private SimulatorLedger Ledger => factory.Service<SimulatorLedger>();

    private async Task<long> SendSmsAsync(TestTenant tenant, string to, string message)
    {
        var data = await (await tenant.Client().PostJsonAsync("/api/communication/sms/send", new { to, message })).ShouldBeSuccessAsync();
        return data.GetProperty("id").GetInt64();
    }

    private async Task<(string Status, string? Sid, int? ErrorCode, string? ErrorMessage, decimal? Cost)> RowAsync(long id)
    {
        await using var connection = await factory.Db.OpenAsync();
        return await connection.QuerySingleAsync<(string, string?, int?, string?, decimal?)>(
            "SELECT status, twilio_sid, error_code, error_message, CAST(cost_amount AS REAL) FROM communication_log WHERE id = @id", new { id });
    }

    private Task<(string Status, string? Sid, int? ErrorCode, string? ErrorMessage, decimal? Cost)> FinalRowAsync(long id) =>
        Eventually.GetAsync(() => RowAsync(id), row => row.Status is "delivered" or "undelivered" or "failed", what: $"log {id} to be final");

    private int MessagesTo(string to) => Ledger.Messages.Values.Count(m => m.To == to);

    [Fact]
    public async Task An_SMS_goes_out_once_and_reaches_delivered_through_signed_callbacks()
    {
        var tenant = await factory.CreateTenantAsync();
        const string to = "+14155550111";

        var id = await SendSmsAsync(tenant, to, "Your cleaning is on Monday at 9.");

        var row = await FinalRowAsync(id);
        row.Status.ShouldBe("delivered");
        row.Sid!.ShouldStartWith("SM");
        MessagesTo(to).ShouldBe(1);
        var details = await (await tenant.Client().GetAsync($"/api/communication/history/{id}")).ShouldBeSuccessAsync();
        details.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("status").GetString() + "/" + e.GetProperty("source").GetString())
            .ShouldBe(["queued/api", "queued/twilio", "sending/callback", "sent/callback", "delivered/callback"], ignoreOrder: true);
    }

    [Fact]
    public async Task Status_refresh_fetches_cost_and_final_status_from_Twilio()
    {
        var tenant = await factory.CreateTenantAsync();
        var id = await SendSmsAsync(tenant, "+14155550112", "Refresh me");
        var sid = (await FinalRowAsync(id)).Sid!;

        var answer = await (await tenant.Client().GetAsync($"/api/communication/status/{sid}")).ShouldBeSuccessAsync();

        answer.GetProperty("refreshed").GetBoolean().ShouldBeTrue();
        answer.GetProperty("item").GetProperty("status").GetString().ShouldBe("delivered");
        answer.GetProperty("item").GetProperty("cost_amount").GetDecimal().ShouldBe(0.0079m);
    }

    [Fact]
    public async Task Twilio_throttling_429_is_retried_and_the_message_is_sent_once()
    {
        var tenant = await factory.CreateTenantAsync();

        var id = await SendSmsAsync(tenant, "+15005550429", "Throttled at first");

        (await FinalRowAsync(id)).Status.ShouldBe("delivered");
        Ledger.CreateAttempts("+15005550429").ShouldBeGreaterThanOrEqualTo(2);
        Ledger.Messages.Values.Count(m => m.Body == "Throttled at first").ShouldBe(1);
    }

    [Fact]
    public async Task An_uncertain_create_is_reconciled_against_Twilio_and_not_sent_twice()
    {
        var tenant = await factory.CreateTenantAsync();

        var id = await SendSmsAsync(tenant, "+15005550500", "Created but answered 500");

        var row = await FinalRowAsync(id);
        row.Status.ShouldBe("delivered");
        Ledger.Messages.Values.Count(m => m.Body == "Created but answered 500").ShouldBe(1);
        Ledger.Messages.Values.Single(m => m.Body == "Created but answered 500").Sid.ShouldBe(row.Sid);
    }

    [Fact]
    public async Task A_create_that_keeps_answering_503_is_checked_against_Twilio_before_each_retry_and_finally_fails_unsent()
    {
        var tenant = await factory.CreateTenantAsync();

        var id = await SendSmsAsync(tenant, "+15005550503", "Twilio keeps failing");

        var row = await FinalRowAsync(id);
        row.Status.ShouldBe("failed");
        row.ErrorMessage!.ShouldContain("not sent");
        Ledger.Messages.Values.Count(m => m.Body == "Twilio keeps failing").ShouldBe(0);
        Ledger.CreateAttempts("+15005550503").ShouldBeGreaterThan(1);
    }

    [Fact]
    public async Task A_permanent_refusal_fails_the_row_with_Twilios_code_and_message()
    {
        var tenant = await factory.CreateTenantAsync();

        var id = await SendSmsAsync(tenant, "+15005550001", "Invalid number");

        var row = await FinalRowAsync(id);
        row.Status.ShouldBe("failed");
        row.ErrorCode.ShouldBe(21211);
        row.ErrorMessage.ShouldNotBeNullOrEmpty();
        Ledger.CreateAttempts("+15005550001").ShouldBe(1);
    }

    [Fact]
    public async Task Twilio_21610_fails_the_send_and_puts_the_recipient_on_the_opt_out_list()
    {
        var tenant = await factory.CreateTenantAsync();

        var id = await SendSmsAsync(tenant, "+15005550004", "To an unsubscribed number");

        (await FinalRowAsync(id)).ErrorCode.ShouldBe(21610);
        await (await tenant.Client().PostJsonAsync("/api/communication/sms/send", new { to = "+15005550004", message = "Again" }))
            .ShouldBeErrorAsync(409, "OPTED_OUT");
    }

    [Fact]
    public async Task An_undelivered_message_records_the_carrier_error()
    {
        var tenant = await factory.CreateTenantAsync();

        var row = await FinalRowAsync(await SendSmsAsync(tenant, "+15005550002", "Handset off"));

        row.Status.ShouldBe("undelivered");
        row.ErrorCode.ShouldBe(30003);
    }

    [Fact]
    public async Task A_row_whose_callbacks_were_missed_is_reconciled_from_Twilio()
    {
        var tenant = await factory.CreateTenantAsync();
        var id = await SendSmsAsync(tenant, "+14155550113", "Missed callbacks");
        await FinalRowAsync(id);
        await using (var connection = await factory.Db.OpenAsync())
        {
            // As if the delivered callback had never arrived, an hour ago.
            await connection.ExecuteAsync("""
                UPDATE communication_log SET status = 'sent', status_rank = 3, updated_at = '2020-01-01T00:00:00.000Z' WHERE id = @id;
                DELETE FROM status_events WHERE log_id = @id AND status = 'delivered';
                """, new { id });
        }

        await factory.Service<OutboxWorker>().ReconcileStaleRowsAsync(CancellationToken.None);

        (await RowAsync(id)).Status.ShouldBe("delivered");
    }
}

using System.Net;
using System.Xml.Linq;
using App.Tests.Support;
using Dapper;
using static App.Tests.Support.SignedTwilioRequests;

namespace App.Tests.Features.Webhooks;

public sealed class SmsWebhookTests(AppFactory factory) : IClassFixture<AppFactory>
{
    private async Task<(TestTenant Tenant, long LogId)> AcceptedSmsAsync()
    {
        var tenant = await factory.CreateTenantAsync();
        var data = await (await tenant.Client().PostJsonAsync("/api/communication/sms/send", new { to = "+14155552671", message = "Hello" })).ShouldBeSuccessAsync();
        return (tenant, data.GetProperty("id").GetInt64());
    }

    private async Task<(string Status, string? Sid, int? ErrorCode, string? ErrorMessage, long Events)> RowAsync(long id)
    {
        await using var connection = await factory.Db.OpenAsync();
        var row = await connection.QuerySingleAsync<(string, string?, int?, string?)>(
            "SELECT status, twilio_sid, error_code, error_message FROM communication_log WHERE id = @id", new { id });
        var events = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM status_events WHERE log_id = @id", new { id });
        return (row.Item1, row.Item2, row.Item3, row.Item4, events);
    }

    [Fact]
    public async Task Signed_status_callbacks_move_the_message_forward_to_delivered()
    {
        var (tenant, logId) = await AcceptedSmsAsync();
        var client = factory.CreateClient();
        var path = $"/webhooks/twilio/{tenant.Id}/sms?log={logId}";
        const string sid = "SM0123456789abcdef0123456789abcdef";

        foreach (var status in new[] { "sending", "sent", "delivered" })
        {
            var response = await PostAsync(factory, client, tenant.Id, path, MessageStatus(sid, status));
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/xml");
        }

        var row = await RowAsync(logId);
        row.Status.ShouldBe("delivered");
        row.Sid.ShouldBe(sid);
    }

    [Fact]
    public async Task Duplicates_and_late_arrivals_change_nothing()
    {
        var (tenant, logId) = await AcceptedSmsAsync();
        var client = factory.CreateClient();
        var path = $"/webhooks/twilio/{tenant.Id}/sms?log={logId}";
        const string sid = "SM1123456789abcdef0123456789abcdef";
        await PostAsync(factory, client, tenant.Id, path, MessageStatus(sid, "delivered"));
        var afterDelivered = await RowAsync(logId);

        await PostAsync(factory, client, tenant.Id, path, MessageStatus(sid, "delivered"));
        (await RowAsync(logId)).ShouldBe(afterDelivered);

        await PostAsync(factory, client, tenant.Id, path, MessageStatus(sid, "sent"));
        var late = await RowAsync(logId);
        late.Status.ShouldBe("delivered");
    }

    [Fact]
    public async Task An_undelivered_callback_records_Twilios_error_code_in_words()
    {
        var (tenant, logId) = await AcceptedSmsAsync();

        await PostAsync(factory, factory.CreateClient(), tenant.Id, $"/webhooks/twilio/{tenant.Id}/sms?log={logId}",
            MessageStatus("SM2123456789abcdef0123456789abcdef", "undelivered", errorCode: 30003));

        var row = await RowAsync(logId);
        row.Status.ShouldBe("undelivered");
        row.ErrorCode.ShouldBe(30003);
        row.ErrorMessage!.ShouldContain("unreachable");
    }

    [Theory]
    [InlineData("tampered")]
    [InlineData("missing")]
    [InlineData("wrong-url")]
    public async Task A_bad_or_missing_signature_is_403_and_nothing_changes(string kind)
    {
        var (tenant, logId) = await AcceptedSmsAsync();
        var client = factory.CreateClient();
        var parameters = MessageStatus("SM3123456789abcdef0123456789abcdef", "delivered");
        var path = $"/webhooks/twilio/{tenant.Id}/sms?log={logId}";
        var before = await RowAsync(logId);

        var response = kind switch
        {
            "missing" => await PostAsync(factory, client, tenant.Id, path, parameters, sign: false),
            "wrong-url" => await PostAsync(factory, client, tenant.Id, path, parameters,
                signatureOverride: App.Twilio.TwilioSignature.Compute("http://localhost" + path + "0", parameters, AuthToken(factory, tenant.Id))),
            _ => await PostAsync(factory, client, tenant.Id, path, parameters,
                signatureOverride: App.Twilio.TwilioSignature.Compute("http://localhost" + path, MessageStatus("SM3123456789abcdef0123456789abcdef", "sent"), AuthToken(factory, tenant.Id))),
        };

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await RowAsync(logId)).ShouldBe(before);
    }

    [Fact]
    public async Task Another_tenants_token_does_not_sign_for_this_tenant()
    {
        var (tenant, logId) = await AcceptedSmsAsync();
        var other = await factory.CreateTenantAsync("Other");
        var parameters = MessageStatus("SM4123456789abcdef0123456789abcdef", "delivered");
        var path = $"/webhooks/twilio/{tenant.Id}/sms?log={logId}";

        var response = await PostAsync(factory, factory.CreateClient(), tenant.Id, path, parameters,
            signatureOverride: App.Twilio.TwilioSignature.Compute("http://localhost" + path, parameters, AuthToken(factory, other.Id)));

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_unknown_tenant_is_404()
    {
        var response = await PostAsync(factory, factory.CreateClient(), "nobody", "/webhooks/twilio/nobody/sms", MessageStatus("SM5", "sent"));

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_inbound_message_is_stored_once_and_answered_with_empty_TwiML()
    {
        var tenant = await factory.CreateTenantAsync();
        var client = factory.CreateClient();
        var parameters = InboundMessage("SM6123456789abcdef0123456789abcdef", "+14155550199", "Can I move my appointment?");

        var response = await PostAsync(factory, client, tenant.Id, $"/webhooks/twilio/{tenant.Id}/sms", parameters);
        await PostAsync(factory, client, tenant.Id, $"/webhooks/twilio/{tenant.Id}/sms", parameters);

        XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Name.LocalName.ShouldBe("Response");
        var history = await (await tenant.Client().GetAsync("/api/communication/history?direction=inbound")).ShouldBeSuccessAsync();
        history.GetArrayLength().ShouldBe(1);
        history[0].GetProperty("message_content").GetString().ShouldBe("Can I move my appointment?");
        history[0].GetProperty("from_number").GetString().ShouldBe("+14155550199");
        history[0].GetProperty("status").GetString().ShouldBe("received");
    }

    [Fact]
    public async Task STOP_puts_the_sender_on_the_opt_out_list_and_START_takes_them_off()
    {
        var tenant = await factory.CreateTenantAsync();
        var client = factory.CreateClient();
        var path = $"/webhooks/twilio/{tenant.Id}/sms";
        const string url = "/api/communication/sms/send";

        await PostAsync(factory, client, tenant.Id, path, InboundMessage("SM7123456789abcdef0123456789abcdef", "+14155550123", " Stop "));
        await (await tenant.Client().PostJsonAsync(url, new { to = "+14155550123", message = "Reminder" })).ShouldBeErrorAsync(409, "OPTED_OUT");

        await PostAsync(factory, client, tenant.Id, path, InboundMessage("SM8123456789abcdef0123456789abcdef", "+14155550123", "START"));
        (await tenant.Client().PostJsonAsync(url, new { to = "+14155550123", message = "Reminder" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        foreach (var keyword in new[] { "UNSUBSCRIBE", "cancel", "End", "QUIT" })
        {
            await PostAsync(factory, client, tenant.Id, path, InboundMessage("SM" + Guid.NewGuid().ToString("N"), "+14155550124", keyword));
            await (await tenant.Client().PostJsonAsync(url, new { to = "+14155550124", message = "x" })).ShouldBeErrorAsync(409, "OPTED_OUT");
            await PostAsync(factory, client, tenant.Id, path, InboundMessage("SM" + Guid.NewGuid().ToString("N"), "+14155550124", "UNSTOP"));
        }

        await PostAsync(factory, client, tenant.Id, path, InboundMessage("SM9123456789abcdef0123456789abcdef", "+14155550125", "Please stop calling me at work"));
        (await tenant.Client().PostJsonAsync(url, new { to = "+14155550125", message = "x" })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_opt_out_is_per_tenant()
    {
        var tenant = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync("Other");

        await PostAsync(factory, factory.CreateClient(), tenant.Id, $"/webhooks/twilio/{tenant.Id}/sms", InboundMessage("SMa123456789abcdef0123456789abcdef", "+14155550126", "STOP"));

        (await other.Client().PostJsonAsync("/api/communication/sms/send", new { to = "+14155550126", message = "x" })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}

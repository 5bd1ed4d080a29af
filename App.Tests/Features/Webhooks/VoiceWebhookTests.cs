using System.Net;
using System.Xml.Linq;
using App.Tests.Support;
using App.Twilio;
using Dapper;
using static App.Tests.Support.SignedTwilioRequests;

namespace App.Tests.Features.Webhooks;

public sealed class VoiceWebhookTests(AppFactory factory) : IClassFixture<AppFactory>
{
    private async Task<long> InsertCallAsync(string tenantId)
    {
        await using var connection = await factory.Db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("""
            INSERT INTO communication_log (tenant_id, network_type, to_number, from_number, status, status_rank)
            VALUES (@tenantId, 'call', '+14155552671', '+15005550006', 'queued', 0) RETURNING id
            """, new { tenantId });
    }

    [Fact]
    public async Task Call_progress_events_arrive_out_of_order_and_the_call_ends_completed_with_its_duration()
    {
        var tenant = await factory.CreateTenantAsync();
        var logId = await InsertCallAsync(tenant.Id);
        var client = factory.CreateClient();
        var path = $"/webhooks/twilio/{tenant.Id}/voice?log={logId}";
        const string sid = "CA0123456789abcdef0123456789abcdef";

        await PostAsync(factory, client, tenant.Id, path, CallStatus(sid, "initiated", 0));
        await PostAsync(factory, client, tenant.Id, path, CallStatus(sid, "completed", 3, duration: 42));
        await PostAsync(factory, client, tenant.Id, path, CallStatus(sid, "in-progress", 2));
        await PostAsync(factory, client, tenant.Id, path, CallStatus(sid, "ringing", 1));
        await PostAsync(factory, client, tenant.Id, path, CallStatus(sid, "completed", 3, duration: 42));

        await using var connection = await factory.Db.OpenAsync();
        var row = await connection.QuerySingleAsync<(string Status, string Sid, int Duration)>(
            "SELECT status, twilio_sid, duration_seconds FROM communication_log WHERE id = @logId", new { logId });
        row.ShouldBe(("completed", sid, 42));
        (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM status_events WHERE log_id = @logId", new { logId })).ShouldBe(4);
    }

    [Fact]
    public async Task An_inbound_call_is_answered_with_the_tenants_greeting()
    {
        var tenant = await factory.CreateTenantAsync("Harbor Dental");
        await tenant.Client().PutJsonAsync("/api/tenant/profile", new { name = "Harbor Dental", settings = new { inbound_greeting = "Harbor Dental & Co: we open at 8 <am>." } });

        var response = await PostAsync(factory, factory.CreateClient(), tenant.Id, $"/webhooks/twilio/{tenant.Id}/voice",
            CallStatus("CA1123456789abcdef0123456789abcdef", "ringing", 0, direction: "inbound", from: "+14155550101", to: "+15005550006"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var twiml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        twiml.Root!.Element("Say")!.Value.ShouldBe("Harbor Dental & Co: we open at 8 <am>.");
        twiml.Root.Element("Hangup").ShouldNotBeNull();
        TwimlDocument.Validate(twiml.ToString(), TwimlKind.Voice).IsValid.ShouldBeTrue();
        var history = await (await tenant.Client().GetAsync("/api/communication/history?type=call&direction=inbound")).ShouldBeSuccessAsync();
        history[0].GetProperty("from_number").GetString().ShouldBe("+14155550101");
    }

    [Fact]
    public async Task Without_a_greeting_an_inbound_caller_hears_a_polite_default()
    {
        var tenant = await factory.CreateTenantAsync("Bay Clinic");

        var response = await PostAsync(factory, factory.CreateClient(), tenant.Id, $"/webhooks/twilio/{tenant.Id}/voice",
            CallStatus("CA2123456789abcdef0123456789abcdef", "ringing", 0, direction: "inbound"));

        XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Element("Say")!.Value.ShouldContain("Thank you for calling Bay Clinic");
    }

    [Fact]
    public async Task An_unsigned_voice_request_is_403()
    {
        var tenant = await factory.CreateTenantAsync();

        var response = await PostAsync(factory, factory.CreateClient(), tenant.Id, $"/webhooks/twilio/{tenant.Id}/voice",
            CallStatus("CA3123456789abcdef0123456789abcdef", "ringing", 0, direction: "inbound"), sign: false);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_stored_TwiML_document_is_served_to_a_signed_request_only()
    {
        var tenant = await factory.CreateTenantAsync();
        var xmlId = Guid.NewGuid().ToString("N");
        const string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say>Hello</Say></Response>";
        await using (var connection = await factory.Db.OpenAsync())
            await connection.ExecuteAsync("INSERT INTO voice_xml (id, tenant_id, xml_content) VALUES (@xmlId, @Id, @xml)", new { xmlId, tenant.Id, xml });
        var client = factory.CreateClient();
        var path = $"/webhooks/twilio/voice-xml/{xmlId}";
        var parameters = CallStatus("CA4123456789abcdef0123456789abcdef", "in-progress", 0);

        var signed = await PostAsync(factory, client, tenant.Id, path, parameters);
        signed.StatusCode.ShouldBe(HttpStatusCode.OK);
        signed.Content.Headers.ContentType!.ToString().ShouldBe("application/xml; charset=utf-8");
        (await signed.Content.ReadAsStringAsync()).ShouldBe(xml);

        var get = new HttpRequestMessage(HttpMethod.Get, path);
        get.Headers.Add(TwilioSignature.HeaderName, TwilioSignature.Compute("http://localhost" + path, [], AuthToken(factory, tenant.Id)));
        (await client.SendAsync(get)).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await PostAsync(factory, client, tenant.Id, path, parameters, sign: false)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await PostAsync(factory, client, tenant.Id, "/webhooks/twilio/voice-xml/" + Guid.NewGuid().ToString("N"), parameters)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}

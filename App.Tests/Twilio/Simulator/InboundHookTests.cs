using System.Net;
using App.Tests.Support;
using App.Twilio;
using App.Twilio.Simulator;

namespace App.Tests.Twilio.Simulator;

/// <summary>The hooks that play Twilio sending an inbound SMS or call to the app's webhooks.</summary>
public sealed class InboundHookTests(SimulatorAppFactory factory) : IClassFixture<SimulatorAppFactory>
{
    [Fact]
    public async Task An_inbound_sms_is_posted_signed_to_the_tenants_sms_webhook_and_listed_as_received()
    {
        var tenant = await factory.CreateTenantAsync();
        var accounts = factory.Service<SimulatedAccounts>();
        var webhookPath = $"/webhooks/twilio/{tenant.Id}/sms";
        factory.Capture.Respond(webhookPath, 200, "application/xml", "<Response/>");

        var response = await Client(tenant).PostJsonAsync($"/twilio-sim/simulate/{tenant.Id}/inbound-sms", new { from = "+14155552671", body = "STOP" });

        var answer = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, answer.ToString());
        var sid = answer.GetProperty("message_sid").GetString()!;
        sid.ShouldMatch("^SM[0-9a-f]{32}$");
        answer.GetProperty("webhook_status").GetInt32().ShouldBe(200);
        answer.GetProperty("webhook_body").GetString().ShouldBe("<Response/>");

        var hit = factory.Capture.Hits(webhookPath).ShouldHaveSingleItem();
        hit.Url.ShouldBe(factory.UrlFor(webhookPath));
        hit.IsSignedWith(accounts.AuthTokenFor(tenant.Id)).ShouldBeTrue();
        hit["MessageSid"].ShouldBe(sid);
        hit["SmsSid"].ShouldBe(sid);
        hit["SmsMessageSid"].ShouldBe(sid);
        hit["AccountSid"].ShouldBe(accounts.CredentialsFor(tenant.Id).AccountSid);
        hit["From"].ShouldBe("+14155552671");
        hit["To"].ShouldBe(SimulatedAccounts.DefaultFromNumber);
        hit["Body"].ShouldBe("STOP");
        hit["SmsStatus"].ShouldBe("received");
        hit["NumMedia"].ShouldBe("0");
        hit["NumSegments"].ShouldBe("1");
        hit["ApiVersion"].ShouldBe("2010-04-01");

        var listed = await factory.TwilioClient().ListMessagesAsync(accounts.CredentialsFor(tenant.Id), new MessageListFilter(From: "+14155552671"));
        listed.Items.ShouldContain(m => m.Sid == sid && m.Status == "received" && m.Direction == "inbound");
    }

    [Fact]
    public async Task An_inbound_call_is_posted_signed_to_the_voice_webhook_and_answers_with_the_twiml_received()
    {
        var tenant = await factory.CreateTenantAsync();
        var accounts = factory.Service<SimulatedAccounts>();
        var webhookPath = $"/webhooks/twilio/{tenant.Id}/voice";
        const string twiml = "<Response><Say voice=\"Polly.Amy\">Thanks for calling.</Say></Response>";
        factory.Capture.Respond(webhookPath, 200, "application/xml; charset=utf-8", twiml);

        var response = await Client(tenant).PostJsonAsync($"/twilio-sim/simulate/{tenant.Id}/inbound-call", new { from = "+14155552671", to = "+15005550007" });

        var answer = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, answer.ToString());
        answer.GetProperty("twiml").GetString().ShouldBe(twiml);
        answer.GetProperty("twiml_valid").GetBoolean().ShouldBeTrue();
        answer.GetProperty("webhook_status").GetInt32().ShouldBe(200);
        var hit = factory.Capture.Hits(webhookPath).ShouldHaveSingleItem();
        hit.IsSignedWith(accounts.AuthTokenFor(tenant.Id)).ShouldBeTrue();
        hit["CallSid"].ShouldBe(answer.GetProperty("call_sid").GetString());
        hit["Direction"].ShouldBe("inbound");
        hit["CallStatus"].ShouldBe("ringing");
        hit["From"].ShouldBe("+14155552671");
        hit["To"].ShouldBe("+15005550007");
    }

    [Fact]
    public async Task Invalid_twiml_from_the_voice_webhook_is_reported_with_its_error_code()
    {
        var tenant = await factory.CreateTenantAsync();
        factory.Capture.Respond($"/webhooks/twilio/{tenant.Id}/voice", 200, "application/xml", "<Response><Say rate=\"fast\">x</Say></Response>");

        var answer = await (await Client(tenant).PostJsonAsync($"/twilio-sim/simulate/{tenant.Id}/inbound-call", new { from = "+14155552671" })).JsonAsync();

        answer.GetProperty("twiml_valid").GetBoolean().ShouldBeFalse();
        answer.GetProperty("twiml_error_code").GetInt32().ShouldBe(TwimlDocument.SchemaErrorCode);
    }

    [Fact]
    public async Task The_hooks_need_the_tenants_own_key_and_valid_input()
    {
        var tenant = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync("Other Dental");
        using var anonymous = new HttpClient { BaseAddress = factory.BaseAddress };
        var sms = new { from = "+14155552671", body = "hi" };

        await (await anonymous.PostJsonAsync($"/twilio-sim/simulate/{tenant.Id}/inbound-sms", sms)).ShouldBeErrorAsync(401, "UNAUTHORIZED");
        await (await Client(other).PostJsonAsync($"/twilio-sim/simulate/{tenant.Id}/inbound-sms", sms)).ShouldBeErrorAsync(404, "NOT_FOUND");
        await (await Client(other).PostJsonAsync($"/twilio-sim/simulate/{tenant.Id}/inbound-call", new { from = "+14155552671" })).ShouldBeErrorAsync(404, "NOT_FOUND");
        var error = await (await Client(tenant).PostJsonAsync($"/twilio-sim/simulate/{tenant.Id}/inbound-sms", new { from = "nobody" })).ShouldBeErrorAsync(400, "VALIDATION_ERROR");
        error.GetProperty("details").EnumerateObject().Select(p => p.Name).ShouldBe(["from", "body"], ignoreOrder: true);
        factory.Capture.Hits($"/webhooks/twilio/{tenant.Id}/sms").ShouldBeEmpty();
    }

    private HttpClient Client(TestTenant tenant)
    {
        var client = new HttpClient { BaseAddress = factory.BaseAddress };
        client.DefaultRequestHeaders.Add("X-API-Key", tenant.ApiKey);
        return client;
    }
}

/// <summary>With <c>Twilio:Mode=Live</c> nothing of the simulator is reachable.</summary>
public sealed class SimulatorLiveModeTests : IClassFixture<SimulatorLiveModeTests.LiveFactory>
{
    private readonly LiveFactory _factory;

    public SimulatorLiveModeTests(LiveFactory factory) => _factory = factory;

    public sealed class LiveFactory : AppFactory
    {
        public LiveFactory() => Settings["Twilio:Mode"] = "Live";
    }

    [Fact]
    public async Task No_simulator_route_is_mapped_in_live_mode()
    {
        var tenant = await _factory.CreateTenantAsync();
        var client = _factory.ClientWithKey(tenant.ApiKey);

        (await client.GetAsync($"/twilio-sim/2010-04-01/Accounts/AC{new string('0', 32)}/Messages.json")).StatusCode.ShouldNotBe(HttpStatusCode.Unauthorized);
        (await client.PostAsync($"/twilio-sim/2010-04-01/Accounts/AC{new string('0', 32)}/Messages.json", new StringContent(""))).StatusCode
            .ShouldBeOneOf(HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed);
        (await client.PostJsonAsync($"/twilio-sim/simulate/{tenant.Id}/inbound-sms", new { from = "+14155552671", body = "hi" })).StatusCode
            .ShouldBeOneOf(HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed);
    }
}

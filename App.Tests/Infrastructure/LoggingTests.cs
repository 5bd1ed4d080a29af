using App.Tests.Features.Tenants;
using App.Tests.Support;

namespace App.Tests.Infrastructure;

public sealed class LoggingTests(OperatorAppFactory factory) : IClassFixture<OperatorAppFactory>
{
    [Fact]
    public async Task Requests_are_logged_with_route_status_and_tenant_but_secrets_never_are()
    {
        var tenant = await factory.CreateTenantAsync();
        const string twilioToken = "f2b1c0e9d8a7b6c5d4e3f2a1b0c9d8e7";
        const string signature = "QQuEM8w7d0GprUEemp9+dW5XryI=";
        const string bearer = "eyJhbGciOiJub25lIn0.c2VjcmV0LWJlYXJlci10b2tlbg";

        await factory.CreateClient().GetAsync($"/api/tenant/profile?apiKey={tenant.ApiKey}");
        await factory.CreateClient().GetAsync($"/api/tenant/usage?apiKey={tenant.ApiKey}&from=not-a-date");
        await tenant.Client().PutJsonAsync("/api/tenant/profile", new { name = "Logged", twilio_sid = "AC" + new string('a', 32), twilio_token = twilioToken });
        await factory.OperatorClient().GetAsync("/api/system/tenants");
        var withBearer = factory.CreateClient();
        withBearer.DefaultRequestHeaders.Authorization = HttpAssertions.Bearer(bearer);
        await withBearer.GetAsync("/api/tenant/profile");
        var withSignature = factory.CreateClient();
        withSignature.DefaultRequestHeaders.Add("X-Twilio-Signature", signature);
        await withSignature.PostAsync("/webhooks/twilio/" + tenant.Id + "/sms", new FormUrlEncodedContent([new("MessageSid", "SM1")]));

        var logs = factory.Logs.AllText();
        logs.ShouldContain("/api/tenant/profile");
        logs.ShouldContain(tenant.Id);
        logs.ShouldMatch(@"responded 200");
        logs.ShouldNotContain(tenant.ApiKey);
        logs.ShouldNotContain(tenant.ApiKey[10..]);
        logs.ShouldNotContain(twilioToken);
        logs.ShouldNotContain(AppFactory.OperatorKey);
        logs.ShouldNotContain(bearer);
        logs.ShouldNotContain(signature);
    }

    [Fact]
    public async Task A_refused_request_is_logged_once_with_the_status_its_client_received_and_no_stack_trace()
    {
        var tenant = await factory.CreateTenantAsync();

        var response = await tenant.Client().PostAsync("/api/communication/sms/send",
            new StringContent("""{"to": 14155550100, "message": "hi"}""", System.Text.Encoding.UTF8, "application/json"));

        ((int)response.StatusCode).ShouldBe(400);
        var events = factory.Logs.Events.Where(e => e.Properties.TryGetValue("RequestPath", out var path)
            && path.ToString().Contains("/api/communication/sms/send", StringComparison.Ordinal)).ToList();
        var logged = events.ShouldHaveSingleItem();
        logged.Properties["StatusCode"].ToString().ShouldBe("400");
        logged.Level.ShouldBe(Serilog.Events.LogEventLevel.Information);
        logged.Exception.ShouldBeNull();
        factory.Logs.Events.ShouldNotContain(e => e.Exception is App.Infrastructure.Web.ApiException);
    }

    [Fact]
    public void The_redaction_rewrites_secrets_in_any_logged_text()
    {
        var redact = App.Infrastructure.Observability.Logging.SecretRedaction.Redact;
        redact("GET /api/x?apiKey=sb_abcdefghijklmnopqrstuvwxyz0123&page=2").ShouldBe("GET /api/x?apiKey=[REDACTED]&page=2");
        redact("X-API-Key: sb_abc").ShouldBe("X-API-Key: [REDACTED]");
        redact("Authorization: Bearer abc.def").ShouldBe("Authorization: [REDACTED]");
        redact("key sb_abcdefghijklmnopqrstuvwxyz0123 leaked").ShouldBe("key sb_[REDACTED] leaked");
        redact("nothing secret here").ShouldBe("nothing secret here");
    }
}

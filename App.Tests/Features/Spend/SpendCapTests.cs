using System.Text.Json;
using App.Tests.Support;
using Dapper;

namespace App.Tests.Features.Spend;

/// <summary>Round estimates, so that the assertions show where each figure comes from.</summary>
public sealed class SpendCapAppFactory : AppFactory
{
    public SpendCapAppFactory()
    {
        Settings["Operator:ApiKey"] = AppFactory.OperatorKey;
        Settings["Operator:SmsSegmentEstimateUsd"] = "0.01";
        Settings["Operator:CallMinuteEstimateUsd"] = "0.02";
        Settings["Operator:CallEstimateMinutes"] = "2";
    }

    public async Task<long> RowCountAsync(TestTenant tenant)
    {
        await using var connection = await Db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM communication_log WHERE tenant_id = @Id", new { tenant.Id });
    }
}

/// <summary>
/// Sends (SMS and calls alike) that would take a tenant's spend this month over its cap are refused with 409
/// SPEND_CAP_REACHED and write nothing; at 80 % of the cap the answer carries a SPEND_CAP_NEAR warning. The worker is
/// off here, so every accepted send counts at its estimate (SMS $0.01 a segment, a call $0.04).
/// </summary>
public sealed class SpendCapTests(SpendCapAppFactory factory) : IClassFixture<SpendCapAppFactory>
{
    private const string SmsUrl = "/api/communication/sms/send";

    private static Task<HttpResponseMessage> SendSmsAsync(TestTenant tenant, string message = "Your appointment is tomorrow.") =>
        tenant.Client().PostJsonAsync(SmsUrl, new { to = "+14155550101", message });

    [Fact]
    public async Task An_SMS_that_would_go_over_the_cap_is_refused_with_the_cap_and_the_spend_and_nothing_is_written()
    {
        var tenant = await factory.CreateTenantAsync();
        await factory.SetSpendCapAsync(tenant, 0.05m);

        for (var i = 0; i < 5; i++) await (await SendSmsAsync(tenant)).ShouldBeSuccessAsync();
        var error = await (await SendSmsAsync(tenant)).ShouldBeErrorAsync(409, "SPEND_CAP_REACHED");

        error.GetProperty("message").GetString()!.ShouldContain("$0.05");
        var details = error.GetProperty("details");
        details.GetProperty("cap_usd").GetDecimal().ShouldBe(0.05m);
        details.GetProperty("spent_usd").GetDecimal().ShouldBe(0.05m);
        details.GetProperty("send_estimate_usd").GetDecimal().ShouldBe(0.01m);
        details.GetProperty("month").GetString().ShouldBe(DateTime.UtcNow.ToString("yyyy-MM"));
        (await factory.RowCountAsync(tenant)).ShouldBe(5);
    }

    [Fact]
    public async Task A_long_SMS_is_reckoned_per_segment()
    {
        var tenant = await factory.CreateTenantAsync();
        await factory.SetSpendCapAsync(tenant, 0.03m);
        var twoSegments = new string('x', 161);

        await (await SendSmsAsync(tenant, twoSegments)).ShouldBeSuccessAsync();
        var error = await (await SendSmsAsync(tenant, twoSegments)).ShouldBeErrorAsync(409, "SPEND_CAP_REACHED");

        error.GetProperty("details").GetProperty("send_estimate_usd").GetDecimal().ShouldBe(0.02m);
        await (await SendSmsAsync(tenant, "short")).ShouldBeSuccessAsync();
    }

    [Fact]
    public async Task Calls_honour_the_same_cap()
    {
        var tenant = await factory.CreateTenantAsync();
        var voiceMessage = await (await tenant.Client().PostJsonAsync("/api/voice-messages", new { name = "Reminder", voice_text = "Hello." }))
            .ShouldBeSuccessAsync(201);
        await factory.SetSpendCapAsync(tenant, 0.05m);
        var call = new { to = "+14155550102", voice_message_id = voiceMessage.GetProperty("id").GetInt64() };

        await (await tenant.Client().PostJsonAsync("/api/communication/voice/send", call)).ShouldBeSuccessAsync();
        var error = await (await tenant.Client().PostJsonAsync("/api/communication/voice/send", call)).ShouldBeErrorAsync(409, "SPEND_CAP_REACHED");

        error.GetProperty("details").GetProperty("spent_usd").GetDecimal().ShouldBe(0.04m);
        error.GetProperty("details").GetProperty("send_estimate_usd").GetDecimal().ShouldBe(0.04m);
        await using var connection = await factory.Db.OpenAsync();
        (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM voice_xml WHERE tenant_id = @Id", new { tenant.Id })).ShouldBe(1);
    }

    [Fact]
    public async Task From_80_percent_of_the_cap_the_answer_carries_a_warning_and_a_retry_gets_the_same_answer()
    {
        var tenant = await factory.CreateTenantAsync();
        await factory.SetSpendCapAsync(tenant, 0.10m);

        for (var i = 0; i < 7; i++)
        {
            var body = await (await SendSmsAsync(tenant)).JsonAsync();
            body.TryGetProperty("warnings", out _).ShouldBeFalse(body.ToString());
        }

        var request = new HttpRequestMessage(HttpMethod.Post, SmsUrl) { Content = JsonContent(new { to = "+14155550101", message = "Eighth" }) };
        request.Headers.Add("Idempotency-Key", "eighth-send");
        var eighth = await (await tenant.Client().SendAsync(request)).JsonAsync();
        var warning = eighth.GetProperty("warnings").EnumerateArray().Single();
        warning.GetProperty("code").GetString().ShouldBe("SPEND_CAP_NEAR");
        warning.GetProperty("message").GetString()!.ShouldContain("80 %");
        warning.GetProperty("details").GetProperty("percent").GetDecimal().ShouldBe(80m);
        warning.GetProperty("details").GetProperty("cap_usd").GetDecimal().ShouldBe(0.10m);
        eighth.GetProperty("success").GetBoolean().ShouldBeTrue();

        var retry = new HttpRequestMessage(HttpMethod.Post, SmsUrl) { Content = JsonContent(new { to = "+14155550101", message = "Eighth" }) };
        retry.Headers.Add("Idempotency-Key", "eighth-send");
        var replayed = await (await tenant.Client().SendAsync(retry)).JsonAsync();
        replayed.GetProperty("warnings").ToString().ShouldBe(eighth.GetProperty("warnings").ToString());
        (await factory.RowCountAsync(tenant)).ShouldBe(8);
    }

    [Fact]
    public async Task Sends_racing_for_the_last_of_the_cap_never_pass_it_together()
    {
        var tenant = await factory.CreateTenantAsync();
        await factory.SetSpendCapAsync(tenant, 0.10m);

        var answers = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => SendSmsAsync(tenant)));

        answers.Count(a => a.IsSuccessStatusCode).ShouldBe(10);
        answers.Where(a => !a.IsSuccessStatusCode).ShouldAllBe(a => (int)a.StatusCode == 409);
        (await factory.RowCountAsync(tenant)).ShouldBe(10);
    }

    [Fact]
    public async Task One_tenant_at_its_cap_does_not_stop_another()
    {
        var capped = await factory.CreateTenantAsync("Capped");
        var other = await factory.CreateTenantAsync("Other");
        await factory.SetSpendCapAsync(capped, 0m);

        await (await SendSmsAsync(capped)).ShouldBeErrorAsync(409, "SPEND_CAP_REACHED");
        (await (await SendSmsAsync(other)).JsonAsync()).TryGetProperty("warnings", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Raising_the_cap_lets_sends_through_again_and_removing_it_lifts_the_limit()
    {
        var tenant = await factory.CreateTenantAsync();
        await factory.SetSpendCapAsync(tenant, 0.01m);
        await (await SendSmsAsync(tenant)).ShouldBeSuccessAsync();
        await (await SendSmsAsync(tenant)).ShouldBeErrorAsync(409, "SPEND_CAP_REACHED");

        await factory.SetSpendCapAsync(tenant, 1m);
        await (await SendSmsAsync(tenant)).ShouldBeSuccessAsync();
        await factory.SetSpendCapAsync(tenant, 0.01m);
        await (await SendSmsAsync(tenant)).ShouldBeErrorAsync(409, "SPEND_CAP_REACHED");
        await factory.SetSpendCapAsync(tenant, null);
        await (await SendSmsAsync(tenant)).ShouldBeSuccessAsync();
    }

    [Fact]
    public async Task The_tenant_sees_its_cap_in_its_profile_but_cannot_change_it()
    {
        var tenant = await factory.CreateTenantAsync();
        await factory.SetSpendCapAsync(tenant, 25m);

        await (await tenant.Client().PutJsonAsync("/api/tenant/profile", new { name = tenant.Name, settings = new { monthly_spend_cap_usd = 1000, time_zone = "Europe/London" } }))
            .ShouldBeSuccessAsync();

        var profile = await (await tenant.Client().GetAsync("/api/tenant/profile")).ShouldBeSuccessAsync();
        profile.GetProperty("settings").GetProperty("monthly_spend_cap_usd").GetDecimal().ShouldBe(25m);
        profile.GetProperty("settings").GetProperty("time_zone").GetString().ShouldBe("Europe/London");
    }

    private static StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body, HttpAssertions.JsonOptions), System.Text.Encoding.UTF8, "application/json");
}

/// <summary>Operator:DefaultMonthlySpendCapUsd set: tenants without a cap of their own get it.</summary>
public sealed class DefaultSpendCapAppFactory : AppFactory
{
    public DefaultSpendCapAppFactory()
    {
        Settings["Operator:ApiKey"] = AppFactory.OperatorKey;
        Settings["Operator:DefaultMonthlySpendCapUsd"] = "0.02";
        Settings["Operator:SmsSegmentEstimateUsd"] = "0.01";
    }
}

public sealed class DefaultSpendCapTests(DefaultSpendCapAppFactory factory) : IClassFixture<DefaultSpendCapAppFactory>
{
    [Fact]
    public async Task The_default_cap_applies_until_the_operator_gives_the_tenant_its_own()
    {
        var tenant = await factory.CreateTenantAsync();
        var operatorClient = factory.OperatorClient();
        Task<HttpResponseMessage> SendAsync() => tenant.Client().PostJsonAsync("/api/communication/sms/send", new { to = "+14155550103", message = "Hi" });

        await (await SendAsync()).ShouldBeSuccessAsync();
        await (await SendAsync()).ShouldBeSuccessAsync();
        var refused = await (await SendAsync()).ShouldBeErrorAsync(409, "SPEND_CAP_REACHED");
        refused.GetProperty("details").GetProperty("cap_usd").GetDecimal().ShouldBe(0.02m);

        var own = await (await operatorClient.PutJsonAsync($"/api/system/tenants/{tenant.Id}/spend-cap", new { monthly_spend_cap_usd = 5 })).ShouldBeSuccessAsync();
        own.GetProperty("cap_source").GetString().ShouldBe("tenant");
        await (await SendAsync()).ShouldBeSuccessAsync();

        var back = await (await operatorClient.PutJsonAsync($"/api/system/tenants/{tenant.Id}/spend-cap", new { monthly_spend_cap_usd = (decimal?)null })).ShouldBeSuccessAsync();
        back.GetProperty("cap_source").GetString().ShouldBe("default");
        back.GetProperty("cap_usd").GetDecimal().ShouldBe(0.02m);
        back.GetProperty("spent_usd").GetDecimal().ShouldBe(0.03m);
        back.GetProperty("level").GetString().ShouldBe("reached");
        await (await SendAsync()).ShouldBeErrorAsync(409, "SPEND_CAP_REACHED");
    }
}

/// <summary>An empty default (as an unset environment variable often arrives) means no default cap.</summary>
public sealed class EmptyDefaultSpendCapAppFactory : AppFactory
{
    public EmptyDefaultSpendCapAppFactory() => Settings["Operator:DefaultMonthlySpendCapUsd"] = "";
}

public sealed class EmptyDefaultSpendCapTests(EmptyDefaultSpendCapAppFactory factory) : IClassFixture<EmptyDefaultSpendCapAppFactory>
{
    [Fact]
    public async Task An_empty_default_cap_is_no_cap()
    {
        var tenant = await factory.CreateTenantAsync();

        var body = await (await tenant.Client().PostJsonAsync("/api/communication/sms/send", new { to = "+14155550105", message = "Hi" })).JsonAsync();

        body.GetProperty("success").GetBoolean().ShouldBeTrue(body.ToString());
        body.TryGetProperty("warnings", out _).ShouldBeFalse();
    }
}

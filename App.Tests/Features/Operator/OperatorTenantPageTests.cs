using System.Text.Json;
using App.Infrastructure.Observability;
using App.Tests.Features.Tenants;
using App.Tests.Features.Users;
using App.Tests.Support;

namespace App.Tests.Features.Operator;

/// <summary>
/// The operator's page of one tenant and what can be done there: every endpoint answers for the tenant in the path only,
/// 404 for an unknown one, and only to the operator. Each action lands in that tenant's operator trail.
/// </summary>
public sealed class OperatorTenantPageTests(OperatorAppFactory factory) : IClassFixture<OperatorAppFactory>
{
    private static readonly string[] TenantReads = ["profile", "usage", "errors", "failures", "opt-outs", "audit"];

    [Fact]
    public async Task The_profile_shows_the_tenant_with_its_token_masked_its_spend_and_its_storage()
    {
        var tenant = await factory.CreateTenantAsync("Masked Dental");
        const string token = "0123456789abcdef0123456789abcdef";
        await (await tenant.Client().PutJsonAsync("/api/tenant/profile", new
        {
            name = "Masked Dental", twilio_sid = "AC" + new string('a', 32), twilio_token = token, from_number = "+14155550100",
        })).ShouldBeSuccessAsync();

        var response = await factory.OperatorClient().GetAsync($"/api/system/tenants/{tenant.Id}/profile");
        var page = await response.ShouldBeSuccessAsync();

        page.GetProperty("profile").GetProperty("name").GetString().ShouldBe("Masked Dental");
        page.GetProperty("profile").GetProperty("twilio_token_mask").GetString().ShouldNotBe(token);
        (await response.Content.ReadAsStringAsync()).ShouldNotContain(token);
        page.GetProperty("twilio_configured").GetBoolean().ShouldBeTrue();
        page.GetProperty("spend").GetProperty("spent_usd").GetDecimal().ShouldBe(0m);
        page.GetProperty("spend").GetProperty("level").GetString().ShouldBe("none");
        page.GetProperty("storage").GetProperty("used_bytes").GetInt64().ShouldBe(0);
        page.GetProperty("storage").GetProperty("quota_bytes").GetInt64().ShouldBe(500L * 1024 * 1024);
    }

    [Fact]
    public async Task Errors_are_the_tenants_own_with_their_details()
    {
        var tenant = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync();
        var errors = factory.Service<ErrorLog>();
        await errors.RecordAsync(tenant.Id, "api", "Something broke for this tenant", """{"exception_type":"System.InvalidOperationException"}""", "POST /api/x");
        await errors.RecordAsync(other.Id, "api", "Another tenant's trouble", null);

        var items = await (await factory.OperatorClient().GetAsync($"/api/system/tenants/{tenant.Id}/errors")).ShouldBeSuccessAsync();

        var item = items.EnumerateArray().Single();
        item.GetProperty("error_message").GetString().ShouldBe("Something broke for this tenant");
        item.GetProperty("error_details").GetString()!.ShouldContain("InvalidOperationException");
        item.GetProperty("endpoint").GetString().ShouldBe("POST /api/x");
    }

    [Fact]
    public async Task Usage_is_the_tenants_series()
    {
        var tenant = await factory.CreateTenantAsync();
        await (await tenant.Client().PostJsonAsync("/api/communication/sms/send", new { to = "+14155550104", message = "Hi" })).ShouldBeSuccessAsync();

        var usage = await (await factory.OperatorClient().GetAsync($"/api/system/tenants/{tenant.Id}/usage")).ShouldBeSuccessAsync();

        usage.GetProperty("days").GetArrayLength().ShouldBe(30);
        usage.GetProperty("totals").GetProperty("sms").GetInt64().ShouldBe(1);
        await (await factory.OperatorClient().GetAsync($"/api/system/tenants/{tenant.Id}/usage?from=2026-02-01&to=2026-01-01"))
            .ShouldBeErrorAsync(400, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Rename_disable_enable_rotate_cap_and_embed_url_are_each_in_the_tenants_operator_trail()
    {
        var tenant = await factory.CreateTenantAsync("Trail Dental");
        var client = factory.OperatorClient();
        // The tenant's own change is in its trail too, but not in the operator's.
        await (await tenant.Client().PutJsonAsync("/api/tenant/profile", new { name = "Trail Dental" })).ShouldBeSuccessAsync();

        await (await client.PutJsonAsync($"/api/system/tenants/{tenant.Id}", new { name = "Trail Dental Group" })).ShouldBeSuccessAsync();
        await (await client.PostAsync($"/api/system/tenants/{tenant.Id}/disable", null)).ShouldBeSuccessAsync();
        await (await tenant.Client().GetAsync("/api/tenant/profile")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
        await (await client.PostAsync($"/api/system/tenants/{tenant.Id}/enable", null)).ShouldBeSuccessAsync();
        await (await tenant.Client().GetAsync("/api/tenant/profile")).ShouldBeSuccessAsync();
        await (await client.PutJsonAsync($"/api/system/tenants/{tenant.Id}/spend-cap", new { monthly_spend_cap_usd = 40 })).ShouldBeSuccessAsync();
        await (await client.PostJsonAsync($"/api/system/tenants/{tenant.Id}/embed-url", new { ttl_minutes = 5 })).ShouldBeSuccessAsync();
        await (await client.PostAsync($"/api/system/tenants/{tenant.Id}/rotate-key", null)).ShouldBeSuccessAsync();
        await client.PutJsonAsync($"/api/system/tenants/{tenant.Id}/spend-cap", new { monthly_spend_cap_usd = -1 });

        var trail = await (await client.GetAsync($"/api/system/tenants/{tenant.Id}/audit")).ShouldBeSuccessAsync();

        var entries = trail.EnumerateArray().Reverse().ToList();
        entries.Select(e => e.GetProperty("action").GetString()).ShouldBe([
            "system.tenants.update", "system.tenants.disable", "system.tenants.enable", "system.tenants.spend_cap.update",
            "system.tenants.embed_url", "system.tenants.rotate_key", "system.tenants.spend_cap.update"]);
        entries.ShouldAllBe(e => e.GetProperty("actor_type").GetString() == "operator");
        entries[^1].GetProperty("outcome").GetString().ShouldBe("failure");
        Change(entries[0], "name").ShouldBe(("Trail Dental", "Trail Dental Group"));
        Change(entries[1], "is_active").ShouldBe(("True", "False"));
        Change(entries[3], "settings.monthly_spend_cap_usd").ShouldBe(("", "40"));
        entries[4].GetProperty("changes").GetProperty("embed_actor").GetProperty("to").GetString()!.ShouldStartWith("embed:");
        entries[5].GetProperty("changes").GetProperty("api_key").GetProperty("to").GetString().ShouldBe("(changed)");
        trail.ToString().ShouldNotContain(AppFactory.OperatorKey);
    }

    [Fact]
    public async Task The_embed_url_opens_the_tenant_without_user_management_and_not_while_it_is_disabled()
    {
        var tenant = await factory.CreateTenantAsync();

        var minted = await (await factory.OperatorClient().PostJsonAsync($"/api/system/tenants/{tenant.Id}/embed-url", new { })).ShouldBeSuccessAsync();
        var url = minted.GetProperty("url").GetString()!;
        url.ShouldContain($"/admin/{tenant.Id}?token=");
        var me = await (await factory.BearerClient(minted.GetProperty("token").GetString()!).GetAsync("/api/auth/me")).ShouldBeSuccessAsync();
        me.GetProperty("tenant").GetProperty("id").GetString().ShouldBe(tenant.Id);
        me.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).ShouldNotContain("manage_users");

        await factory.OperatorClient().PostAsync($"/api/system/tenants/{tenant.Id}/disable", null);
        await (await factory.OperatorClient().PostJsonAsync($"/api/system/tenants/{tenant.Id}/embed-url", new { })).ShouldBeErrorAsync(409, "CONFLICT");
        await (await factory.OperatorClient().PostJsonAsync($"/api/system/tenants/{tenant.Id}/embed-url", new { ttl_minutes = 0 })).ShouldBeErrorAsync(400, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task A_cap_that_is_not_an_amount_is_refused_and_the_stored_cap_stays()
    {
        var tenant = await factory.CreateTenantAsync();
        var client = factory.OperatorClient();
        await (await client.PutJsonAsync($"/api/system/tenants/{tenant.Id}/spend-cap", new { monthly_spend_cap_usd = 12.5 })).ShouldBeSuccessAsync();

        var negative = await (await client.PutJsonAsync($"/api/system/tenants/{tenant.Id}/spend-cap", new { monthly_spend_cap_usd = -3 })).ShouldBeErrorAsync(400, "VALIDATION_ERROR");
        negative.GetProperty("details").TryGetProperty("monthly_spend_cap_usd", out _).ShouldBeTrue();
        var text = new StringContent("""{"monthly_spend_cap_usd": "lots"}""", System.Text.Encoding.UTF8, "application/json");
        await (await client.PutAsync($"/api/system/tenants/{tenant.Id}/spend-cap", text)).ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        var page = await (await client.GetAsync($"/api/system/tenants/{tenant.Id}/profile")).ShouldBeSuccessAsync();
        page.GetProperty("spend").GetProperty("cap_usd").GetDecimal().ShouldBe(12.5m);
        page.GetProperty("spend").GetProperty("cap_source").GetString().ShouldBe("tenant");
    }

    [Fact]
    public async Task An_unknown_tenant_is_404_on_every_tenant_endpoint()
    {
        var client = factory.OperatorClient();
        foreach (var read in TenantReads)
            await (await client.GetAsync($"/api/system/tenants/nobody/{read}")).ShouldBeErrorAsync(404, "NOT_FOUND");
        await (await client.PutJsonAsync("/api/system/tenants/nobody/spend-cap", new { monthly_spend_cap_usd = 1 })).ShouldBeErrorAsync(404, "NOT_FOUND");
        await (await client.PostJsonAsync("/api/system/tenants/nobody/embed-url", new { })).ShouldBeErrorAsync(404, "NOT_FOUND");
        await (await client.PostAsync("/api/system/tenants/nobody/enable", null)).ShouldBeErrorAsync(404, "NOT_FOUND");
    }

    [Fact]
    public async Task Only_the_operator_reaches_them_never_a_tenant_key_a_user_or_nobody()
    {
        var tenant = await factory.CreateTenantAsync();
        var anonymous = factory.CreateClient();
        var paths = TenantReads.Select(read => $"/api/system/tenants/{tenant.Id}/{read}").Append("/api/system/overview").Append("/api/system/session");

        foreach (var path in paths)
        {
            await (await tenant.Client().GetAsync(path)).ShouldBeErrorAsync(401, "UNAUTHORIZED");
            await (await anonymous.GetAsync(path)).ShouldBeErrorAsync(401, "UNAUTHORIZED");
        }

        await (await tenant.Client().PutJsonAsync($"/api/system/tenants/{tenant.Id}/spend-cap", new { monthly_spend_cap_usd = 1000 })).ShouldBeErrorAsync(401, "UNAUTHORIZED");
        await (await tenant.Client().PostJsonAsync($"/api/system/tenants/{tenant.Id}/embed-url", new { })).ShouldBeErrorAsync(401, "UNAUTHORIZED");
        await (await tenant.Client().PostAsync("/api/system/session", null)).ShouldBeErrorAsync(401, "UNAUTHORIZED");
    }

    [Fact]
    public async Task The_OpenAPI_document_declares_the_operator_endpoints_and_their_refusals()
    {
        var paths = (await (await factory.CreateClient().GetAsync("/openapi/v1.json")).JsonAsync()).GetProperty("paths");

        var overview = paths.GetProperty("/api/system/overview").GetProperty("get").GetProperty("responses");
        overview.GetProperty("401").GetProperty("description").GetString()!.ShouldContain("UNAUTHORIZED");
        var cap = paths.GetProperty("/api/system/tenants/{id}/spend-cap").GetProperty("put").GetProperty("responses");
        cap.GetProperty("404").GetProperty("description").GetString()!.ShouldContain("NOT_FOUND");
        cap.GetProperty("400").GetProperty("description").GetString()!.ShouldContain("VALIDATION_ERROR");
        paths.GetProperty("/api/system/tenants/{id}/embed-url").GetProperty("post").GetProperty("responses")
            .GetProperty("409").GetProperty("description").GetString()!.ShouldContain("CONFLICT");
        paths.GetProperty("/api/system/session").GetProperty("post").GetProperty("responses")
            .GetProperty("403").GetProperty("description").GetString()!.ShouldContain("FORBIDDEN");
    }

    private static (string From, string To) Change(JsonElement entry, string field)
    {
        var change = entry.GetProperty("changes").GetProperty(field);
        return (Text(change.GetProperty("from")), Text(change.GetProperty("to")));
        static string Text(JsonElement value) => value.ValueKind == JsonValueKind.Null ? "" : value.ToString();
    }
}

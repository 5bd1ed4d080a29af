using App.Tests.Support;

namespace App.Tests.Features.Tenants;

public sealed class OperatorAppFactory : AppFactory
{
    public OperatorAppFactory() => Settings["Operator:ApiKey"] = OperatorKey;
}

public sealed class OperatorApiTests(OperatorAppFactory factory) : IClassFixture<OperatorAppFactory>
{
    [Fact]
    public async Task The_operator_creates_a_tenant_whose_key_then_works()
    {
        var response = await factory.OperatorClient().PostJsonAsync("/api/system/tenants", new { name = "Bay Clinic", id = "bay" });

        var created = await response.ShouldBeSuccessAsync(201);
        created.GetProperty("id").GetString().ShouldBe("bay");
        var key = created.GetProperty("api_key").GetString()!;
        var profile = await (await factory.ClientWithKey(key).GetAsync("/api/tenant/profile")).ShouldBeSuccessAsync();
        profile.GetProperty("name").GetString().ShouldBe("Bay Clinic");
    }

    [Fact]
    public async Task The_admin_page_may_be_framed_by_the_tenants_origins_at_once_and_by_none_once_it_is_disabled()
    {
        var created = await (await factory.OperatorClient().PostJsonAsync("/api/system/tenants", new { name = "Frame Dental" })).ShouldBeSuccessAsync(201);
        var id = created.GetProperty("id").GetString()!;
        var tenant = factory.ClientWithKey(created.GetProperty("api_key").GetString()!);
        var page = factory.CreateClient();
        async Task<string> FrameAncestorsAsync() =>
            (await page.GetAsync($"/admin/{id}")).Headers.GetValues("Content-Security-Policy").Single().Split(';').Single(d => d.Trim().StartsWith("frame-ancestors")).Trim();

        (await FrameAncestorsAsync()).ShouldBe("frame-ancestors 'self'");
        (await tenant.PutJsonAsync("/api/tenant/profile", new { name = "Frame Dental", settings = new { allowed_embed_origins = new[] { "https://crm.example.com" } } }))
            .IsSuccessStatusCode.ShouldBeTrue();
        (await FrameAncestorsAsync()).ShouldBe("frame-ancestors 'self' https://crm.example.com");

        await (await factory.OperatorClient().PostAsync($"/api/system/tenants/{id}/disable", null)).ShouldBeSuccessAsync();
        (await FrameAncestorsAsync()).ShouldBe("frame-ancestors 'self'");
    }

    [Fact]
    public async Task List_get_update_rotate_and_disable()
    {
        var client = factory.OperatorClient();
        var created = await (await client.PostJsonAsync("/api/system/tenants", new { name = "North Dental" })).ShouldBeSuccessAsync(201);
        var id = created.GetProperty("id").GetString()!;
        var oldKey = created.GetProperty("api_key").GetString()!;

        var list = await (await client.GetAsync("/api/system/tenants")).ShouldBeSuccessAsync();
        list.EnumerateArray().Select(t => t.GetProperty("id").GetString()).ShouldContain(id);
        list.ToString().ShouldNotContain(oldKey);

        var updated = await (await client.PutJsonAsync($"/api/system/tenants/{id}", new { name = "North Dental Group" })).ShouldBeSuccessAsync();
        updated.GetProperty("name").GetString().ShouldBe("North Dental Group");
        (await (await client.GetAsync($"/api/system/tenants/{id}")).ShouldBeSuccessAsync()).GetProperty("name").GetString().ShouldBe("North Dental Group");

        var rotated = await (await client.PostAsync($"/api/system/tenants/{id}/rotate-key", null)).ShouldBeSuccessAsync();
        var newKey = rotated.GetProperty("api_key").GetString()!;
        await (await factory.ClientWithKey(oldKey).GetAsync("/api/tenant/profile")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
        (await factory.ClientWithKey(newKey).GetAsync("/api/tenant/profile")).IsSuccessStatusCode.ShouldBeTrue();

        var disabled = await (await client.PostAsync($"/api/system/tenants/{id}/disable", null)).ShouldBeSuccessAsync();
        disabled.GetProperty("is_active").GetBoolean().ShouldBeFalse();
        await (await factory.ClientWithKey(newKey).GetAsync("/api/tenant/profile")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Unknown_tenant_is_404_and_a_duplicate_id_is_409()
    {
        var client = factory.OperatorClient();
        await (await client.GetAsync("/api/system/tenants/nobody")).ShouldBeErrorAsync(404, "NOT_FOUND");
        await client.PostJsonAsync("/api/system/tenants", new { name = "Dup", id = "dup" });
        await (await client.PostJsonAsync("/api/system/tenants", new { name = "Dup", id = "dup" })).ShouldBeErrorAsync(409, "CONFLICT");
        var error = await (await client.PostJsonAsync("/api/system/tenants", new { name = "" })).ShouldBeErrorAsync(400, "VALIDATION_ERROR");
        error.GetProperty("details").TryGetProperty("name", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Without_the_operator_key_or_with_a_wrong_one_the_answer_is_401()
    {
        await (await factory.CreateClient().GetAsync("/api/system/tenants")).ShouldBeErrorAsync(401, "UNAUTHORIZED");

        var wrong = factory.CreateClient();
        wrong.DefaultRequestHeaders.Add("X-Operator-Key", "op_wrong");
        await (await wrong.GetAsync("/api/system/tenants")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_tenant_key_is_not_an_operator_key()
    {
        var tenant = await factory.CreateTenantAsync();

        await (await tenant.Client().GetAsync("/api/system/tenants")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
    }
}

public sealed class OperatorApiAbsentTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Theory]
    [InlineData("GET", "/api/system/tenants")]
    [InlineData("POST", "/api/system/tenants")]
    [InlineData("POST", "/api/system/tenants/demo/rotate-key")]
    public async Task Without_a_configured_operator_key_the_provisioning_routes_do_not_exist(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add("X-Operator-Key", "");

        await (await factory.CreateClient().SendAsync(request)).ShouldBeErrorAsync(404, "NOT_FOUND");
    }
}

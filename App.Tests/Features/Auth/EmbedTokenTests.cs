using App.Tests.Features.Users;
using App.Tests.Support;

namespace App.Tests.Features.Auth;

public sealed class EmbedTokenTests(TimedAppFactory factory) : IClassFixture<TimedAppFactory>
{
    private const string Url = "/api/tenant/embed-token";

    [Fact]
    public async Task The_API_key_mints_a_short_lived_token_the_API_accepts_in_its_place()
    {
        var tenant = await factory.CreateTenantAsync();

        var data = await (await tenant.Client().PostAsync(Url, null)).ShouldBeSuccessAsync();

        var token = data.GetProperty("token").GetString()!;
        data.GetProperty("url").GetString()!.ShouldEndWith($"/admin/{tenant.Id}?token={Uri.EscapeDataString(token)}");
        DateTimeOffset.Parse(data.GetProperty("expires_at").GetString()!)
            .ShouldBeInRange(factory.Time.GetUtcNow().AddMinutes(14), factory.Time.GetUtcNow().AddMinutes(16));
        token.ShouldNotContain(tenant.ApiKey);
        var profile = await (await factory.BearerClient(token).GetAsync("/api/tenant/profile")).ShouldBeSuccessAsync();
        profile.GetProperty("id").GetString().ShouldBe(tenant.Id);
        (await factory.BearerClient(token).PutJsonAsync("/api/tenant/profile", new { name = "Renamed by embed" })).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        (await factory.AuditRowsAsync(tenant.Id)).First(r => r.Action == "tenant.profile.update").Actor!.ShouldStartWith("embed:");
    }

    [Fact]
    public async Task An_embed_token_cannot_mint_another_nor_manage_users_and_a_user_cannot_mint_one()
    {
        var tenant = await factory.CreateTenantAsync();
        var token = (await (await tenant.Client().PostAsync(Url, null)).ShouldBeSuccessAsync()).GetProperty("token").GetString()!;
        var admin = await tenant.CreateUserAsync("zoe", isAdmin: true);

        await (await factory.BearerClient(token).PostAsync(Url, null)).ShouldBeErrorAsync(403, "FORBIDDEN");
        await (await factory.BearerClient(token).GetAsync("/api/users")).ShouldBeErrorAsync(403, "FORBIDDEN");
        await (await (await admin.SignedInClientAsync()).PostAsync(Url, null)).ShouldBeErrorAsync(403, "FORBIDDEN");
    }

    [Fact]
    public async Task An_expired_embed_token_is_401()
    {
        var tenant = await factory.CreateTenantAsync();
        var token = (await (await tenant.Client().PostJsonAsync(Url, new { ttl_minutes = 5 })).ShouldBeSuccessAsync()).GetProperty("token").GetString()!;
        (await factory.BearerClient(token).GetAsync("/api/tenant/profile")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);

        factory.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        await (await factory.BearerClient(token).GetAsync("/api/tenant/profile")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Rotating_the_API_key_or_disabling_the_tenant_ends_its_embed_tokens()
    {
        var tenant = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync();
        var token = (await (await tenant.Client().PostAsync(Url, null)).ShouldBeSuccessAsync()).GetProperty("token").GetString()!;
        var otherToken = (await (await other.Client().PostAsync(Url, null)).ShouldBeSuccessAsync()).GetProperty("token").GetString()!;

        await factory.Service<App.Features.Tenants.TenantProvisioning>().RotateKeyAsync(tenant.Id);
        await factory.Service<App.Features.Tenants.TenantProvisioning>().DisableAsync(other.Id);

        await (await factory.BearerClient(token).GetAsync("/api/tenant/profile")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
        await (await factory.BearerClient(otherToken).GetAsync("/api/tenant/profile")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Lifetime_and_permissions_are_validated_and_permissions_narrow_the_token()
    {
        var tenant = await factory.CreateTenantAsync();

        await (await tenant.Client().PostJsonAsync(Url, new { ttl_minutes = 0 })).ShouldBeErrorAsync(400, "VALIDATION_ERROR");
        await (await tenant.Client().PostJsonAsync(Url, new { ttl_minutes = 721 })).ShouldBeErrorAsync(400, "VALIDATION_ERROR");
        (await (await tenant.Client().PostJsonAsync(Url, new { permissions = new[] { "manage_users" } })).ShouldBeErrorAsync(400, "VALIDATION_ERROR"))
            .GetProperty("message").GetString()!.ShouldContain("manage_users");
        var data = await (await tenant.Client().PostJsonAsync(Url, new { ttl_minutes = 720, permissions = new[] { "view_logs" } })).ShouldBeSuccessAsync();

        var client = factory.BearerClient(data.GetProperty("token").GetString()!);
        (await client.GetAsync("/api/audit")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        await (await client.PutJsonAsync("/api/tenant/profile", new { name = "Nope" })).ShouldBeErrorAsync(403, "FORBIDDEN");
    }

    [Fact]
    public async Task Logout_revokes_an_embed_token()
    {
        var tenant = await factory.CreateTenantAsync();
        var client = factory.BearerClient((await (await tenant.Client().PostAsync(Url, null)).ShouldBeSuccessAsync()).GetProperty("token").GetString()!);

        await (await client.PostAsync("/api/auth/logout", null)).ShouldBeSuccessAsync();

        await (await client.GetAsync("/api/tenant/profile")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
    }
}

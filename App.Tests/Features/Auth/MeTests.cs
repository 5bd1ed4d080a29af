using App.Infrastructure.Tenancy;
using App.Tests.Features.Users;
using App.Tests.Support;

namespace App.Tests.Features.Auth;

public sealed class MeTests(AuthAppFactory factory) : IClassFixture<AuthAppFactory>
{
    [Fact]
    public async Task The_API_key_is_the_tenant_with_every_permission()
    {
        var tenant = await factory.CreateTenantAsync("Key Dental");

        var data = await (await tenant.Client().GetAsync("/api/auth/me")).ShouldBeSuccessAsync();

        data.GetProperty("tenant").GetProperty("id").GetString().ShouldBe(tenant.Id);
        data.GetProperty("tenant").GetProperty("name").GetString().ShouldBe("Key Dental");
        data.GetProperty("actor").GetProperty("type").GetString().ShouldBe("api_key");
        tenant.ApiKey.ShouldStartWith(data.GetProperty("actor").GetProperty("name").GetString()!.TrimEnd('…'));
        data.GetProperty("actor").GetProperty("username").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        data.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).ShouldBe(Permissions.All);
    }

    [Fact]
    public async Task A_signed_in_user_is_named_with_their_permissions()
    {
        var tenant = await factory.CreateTenantAsync();
        var user = await tenant.CreateUserAsync("yara", ["send_voice"]);

        var data = await (await (await user.SignedInClientAsync()).GetAsync("/api/auth/me")).ShouldBeSuccessAsync();

        data.GetProperty("actor").GetProperty("type").GetString().ShouldBe("user");
        data.GetProperty("actor").GetProperty("username").GetString().ShouldBe("yara");
        data.GetProperty("actor").GetProperty("display_name").GetString().ShouldBe("yara Display");
        data.GetProperty("actor").GetProperty("user_id").GetInt64().ShouldBe(user.Id);
        data.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).ShouldBe(["send_voice"]);
        data.GetProperty("expires_at").GetString().ShouldEndWith("Z");
    }

    [Fact]
    public async Task An_embed_token_is_named_embed_and_the_start_of_its_id()
    {
        var tenant = await factory.CreateTenantAsync();
        var token = (await (await tenant.Client().PostAsync("/api/tenant/embed-token", null)).ShouldBeSuccessAsync()).GetProperty("token").GetString()!;

        var data = await (await factory.BearerClient(token).GetAsync("/api/auth/me")).ShouldBeSuccessAsync();

        data.GetProperty("actor").GetProperty("type").GetString().ShouldBe("embed");
        data.GetProperty("actor").GetProperty("name").GetString()!.ShouldMatch("^embed:[A-Za-z0-9_-]{8}$");
        data.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).ShouldNotContain("manage_users");
        data.GetProperty("permissions").GetArrayLength().ShouldBe(Permissions.All.Count - 1);
    }

    [Fact]
    public async Task Without_a_credential_it_is_401()
    {
        await (await factory.CreateClient().GetAsync("/api/auth/me")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
    }
}

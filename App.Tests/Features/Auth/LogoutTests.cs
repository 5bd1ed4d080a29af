using App.Tests.Features.Users;
using App.Tests.Support;

namespace App.Tests.Features.Auth;

public sealed class LogoutTests(AuthAppFactory factory) : IClassFixture<AuthAppFactory>
{
    [Fact]
    public async Task Logout_revokes_the_presented_token_only()
    {
        var tenant = await factory.CreateTenantAsync();
        var user = await tenant.CreateUserAsync("xenia", ["view_logs"]);
        var first = await user.SignedInClientAsync();
        var second = await user.SignedInClientAsync();

        var data = await (await first.PostAsync("/api/auth/logout", null)).ShouldBeSuccessAsync();

        data.GetProperty("revoked").GetBoolean().ShouldBeTrue();
        await (await first.GetAsync("/api/auth/me")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
        (await second.GetAsync("/api/auth/me")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
    }

    [Fact]
    public async Task Logout_with_the_API_key_changes_nothing()
    {
        var tenant = await factory.CreateTenantAsync();

        var data = await (await tenant.Client().PostAsync("/api/auth/logout", null)).ShouldBeSuccessAsync();

        data.GetProperty("revoked").GetBoolean().ShouldBeFalse();
        (await tenant.Client().GetAsync("/api/auth/me")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
    }
}

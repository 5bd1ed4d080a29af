using App.Features.Auth;
using App.Tests.Support;

namespace App.Tests.Features.Users;

public sealed class DeactivateUserTests(AuthAppFactory factory) : IClassFixture<AuthAppFactory>
{
    [Fact]
    public async Task Deactivating_a_user_ends_their_existing_session_at_once_and_refuses_sign_in_like_a_wrong_password()
    {
        var tenant = await factory.CreateTenantAsync();
        var user = await tenant.CreateUserAsync("jana", ["view_logs"]);
        var client = await user.SignedInClientAsync();
        (await client.GetAsync("/api/communication/history")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);

        var data = await (await tenant.Client().PostAsync($"/api/users/{user.Id}/deactivate", null)).ShouldBeSuccessAsync();

        data.GetProperty("is_active").GetBoolean().ShouldBeFalse();
        await (await client.GetAsync("/api/communication/history")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
        var error = await (await factory.LoginAsync(tenant.Id, "jana", user.Password)).ShouldBeErrorAsync(401, "UNAUTHORIZED");
        error.GetProperty("message").GetString().ShouldBe(Login.FailureMessage);
    }

    [Fact]
    public async Task A_user_manager_who_is_not_an_administrator_cannot_deactivate_an_administrator()
    {
        var tenant = await factory.CreateTenantAsync();
        var admin = await tenant.CreateUserAsync("kai", isAdmin: true);
        var manager = await tenant.CreateUserAsync("lena", ["manage_users"]);

        var response = await (await manager.SignedInClientAsync()).PostAsync($"/api/users/{admin.Id}/deactivate", null);

        await response.ShouldBeErrorAsync(403, "FORBIDDEN");
    }
}

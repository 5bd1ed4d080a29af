using App.Tests.Support;

namespace App.Tests.Features.Users;

public sealed class CrossTenantUserTests(AuthAppFactory factory) : IClassFixture<AuthAppFactory>
{
    [Fact]
    public async Task Another_tenants_user_is_404_on_every_route_and_is_left_unchanged()
    {
        var owner = await factory.CreateTenantAsync();
        var intruder = await factory.CreateTenantAsync();
        var user = await owner.CreateUserAsync("nora", ["send_sms"]);
        var client = intruder.Client();

        await (await client.GetAsync($"/api/users/{user.Id}")).ShouldBeErrorAsync(404, "NOT_FOUND");
        await (await client.PutJsonAsync($"/api/users/{user.Id}", new { username = "hijacked" })).ShouldBeErrorAsync(404, "NOT_FOUND");
        await (await client.PostAsync($"/api/users/{user.Id}/deactivate", null)).ShouldBeErrorAsync(404, "NOT_FOUND");
        await (await client.PostJsonAsync($"/api/users/{user.Id}/reset-password", new { password = "intruder-password-1" })).ShouldBeErrorAsync(404, "NOT_FOUND");

        var data = await (await owner.Client().GetAsync($"/api/users/{user.Id}")).ShouldBeSuccessAsync();
        data.GetProperty("username").GetString().ShouldBe("nora");
        data.GetProperty("is_active").GetBoolean().ShouldBeTrue();
        await (await factory.LoginAsync(owner.Id, "nora", user.Password)).ShouldBeSuccessAsync();
    }
}

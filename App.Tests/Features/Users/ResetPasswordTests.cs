using App.Tests.Support;

namespace App.Tests.Features.Users;

public sealed class ResetPasswordTests(AuthAppFactory factory) : IClassFixture<AuthAppFactory>
{
    [Fact]
    public async Task A_new_password_replaces_the_old_one_and_ends_existing_sessions()
    {
        var tenant = await factory.CreateTenantAsync();
        var user = await tenant.CreateUserAsync("mona", ["view_logs"]);
        var client = await user.SignedInClientAsync();

        await (await tenant.Client().PostJsonAsync($"/api/users/{user.Id}/reset-password", new { password = "a-brand-new-secret" })).ShouldBeSuccessAsync();

        await (await client.GetAsync("/api/audit")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
        await (await factory.LoginAsync(tenant.Id, "mona", user.Password)).ShouldBeErrorAsync(401, "UNAUTHORIZED");
        await (await factory.LoginAsync(tenant.Id, "mona", "a-brand-new-secret")).ShouldBeSuccessAsync();
        var row = (await factory.AuditRowsAsync(tenant.Id)).First(r => r.Action == "users.reset_password");
        row.Changes.ShouldNotBeNull();
        row.Changes.ShouldNotContain("a-brand-new-secret");
        row.Changes.ShouldContain("(changed)");
    }

    [Theory]
    [InlineData("tooshort")]
    [InlineData("xx-MONA-xx-yy")]
    public async Task The_password_policy_applies(string password)
    {
        var tenant = await factory.CreateTenantAsync();
        var user = await tenant.CreateUserAsync("mona");

        var error = await (await tenant.Client().PostJsonAsync($"/api/users/{user.Id}/reset-password", new { password }))
            .ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        error.GetProperty("details").TryGetProperty("password", out _).ShouldBeTrue();
    }
}

using App.Tests.Support;

namespace App.Tests.Features.Users;

public sealed class ListUsersTests(AuthAppFactory factory) : IClassFixture<AuthAppFactory>
{
    [Fact]
    public async Task Users_are_listed_by_username_with_pagination_and_search()
    {
        var tenant = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync();
        foreach (var name in new[] { "dora", "Bert", "anton", "carl" }) await tenant.CreateUserAsync(name);
        await other.CreateUserAsync("zed");

        var body = await (await tenant.Client().GetAsync("/api/users?per_page=3")).JsonAsync();

        body.GetProperty("data").EnumerateArray().Select(u => u.GetProperty("username").GetString()).ShouldBe(["anton", "Bert", "carl"]);
        body.GetProperty("pagination").GetProperty("total_items").GetInt64().ShouldBe(4);
        body.GetProperty("pagination").GetProperty("has_next").GetBoolean().ShouldBeTrue();
        body.ToString().ShouldNotContain("password_hash");

        var found = await (await tenant.Client().GetAsync("/api/users?search=BER")).ShouldBeSuccessAsync();
        found.EnumerateArray().Select(u => u.GetProperty("username").GetString()).ShouldBe(["Bert"]);
    }

    [Fact]
    public async Task A_missing_user_is_404()
    {
        var tenant = await factory.CreateTenantAsync();

        await (await tenant.Client().GetAsync("/api/users/424242")).ShouldBeErrorAsync(404, "NOT_FOUND");
    }
}

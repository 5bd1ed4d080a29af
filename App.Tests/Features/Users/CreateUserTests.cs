using App.Tests.Support;
using Dapper;

namespace App.Tests.Features.Users;

public sealed class CreateUserTests(AuthAppFactory factory) : IClassFixture<AuthAppFactory>
{
    [Fact]
    public async Task A_user_is_created_with_a_bcrypt_hash_and_the_answer_never_shows_a_password()
    {
        var tenant = await factory.CreateTenantAsync();

        var response = await tenant.Client().PostJsonAsync("/api/users", new
        {
            username = "Front.Desk", display_name = "Front desk", email = "desk@example.com", password = UserTestData.Password,
            permissions = new[] { "view_logs", "send_sms" },
        });

        var data = await response.ShouldBeSuccessAsync(201);
        response.Headers.Location!.ToString().ShouldBe($"/api/users/{data.GetProperty("id").GetInt64()}");
        data.GetProperty("username").GetString().ShouldBe("Front.Desk");
        data.GetProperty("display_name").GetString().ShouldBe("Front desk");
        data.GetProperty("email").GetString().ShouldBe("desk@example.com");
        data.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).ShouldBe(["send_sms", "view_logs"]);
        data.GetProperty("is_admin").GetBoolean().ShouldBeFalse();
        data.GetProperty("is_active").GetBoolean().ShouldBeTrue();
        var text = data.ToString();
        text.ShouldNotContain("password");
        text.ShouldNotContain(UserTestData.Password);

        await using var connection = await factory.Db.OpenAsync();
        var hash = await connection.ExecuteScalarAsync<string>("SELECT password_hash FROM users WHERE id = @id", new { id = data.GetProperty("id").GetInt64() });
        hash!.ShouldStartWith("$2");
        hash.ShouldContain("$04$");
        BCrypt.Net.BCrypt.Verify(UserTestData.Password, hash).ShouldBeTrue();
    }

    [Fact]
    public async Task Usernames_are_unique_in_a_tenant_whatever_their_case_but_not_across_tenants()
    {
        var tenant = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync();
        await tenant.CreateUserAsync("anna");

        var duplicate = await tenant.Client().PostJsonAsync("/api/users", new { username = "ANNA", password = UserTestData.Password });

        (await duplicate.ShouldBeErrorAsync(409, "CONFLICT")).GetProperty("message").GetString()!.ShouldContain("ANNA");
        await other.CreateUserAsync("anna");
    }

    [Theory]
    [InlineData("short", "at least 10")]
    [InlineData("ben.walker-2024", "must not contain the username")]
    [InlineData("BEN.WALKER", "must not contain the username")]
    [InlineData("", "required")]
    public async Task The_password_policy_is_enforced(string password, string expected)
    {
        var tenant = await factory.CreateTenantAsync();

        var error = await (await tenant.Client().PostJsonAsync("/api/users", new { username = "ben.walker", password }))
            .ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        error.GetProperty("details").GetProperty("password")[0].GetString()!.ShouldContain(expected);
    }

    [Fact]
    public async Task Unknown_permissions_are_refused_by_name()
    {
        var tenant = await factory.CreateTenantAsync();

        var error = await (await tenant.Client().PostJsonAsync("/api/users", new
        {
            username = "carla", password = UserTestData.Password, permissions = new[] { "send_sms", "teleport", "fly" },
        })).ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        var message = error.GetProperty("details").GetProperty("permissions")[0].GetString()!;
        message.ShouldStartWith("Unknown permission(s): teleport, fly.");
    }

    [Fact]
    public async Task Username_and_email_are_validated()
    {
        var tenant = await factory.CreateTenantAsync();

        var error = await (await tenant.Client().PostJsonAsync("/api/users", new { username = "a b", email = "not-an-email", password = UserTestData.Password }))
            .ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        error.GetProperty("details").TryGetProperty("username", out _).ShouldBeTrue();
        error.GetProperty("details").TryGetProperty("email", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task An_administrator_holds_every_permission()
    {
        var tenant = await factory.CreateTenantAsync();

        var data = await (await tenant.Client().PostJsonAsync("/api/users", new { username = "boss", password = UserTestData.Password, is_admin = true }))
            .ShouldBeSuccessAsync(201);

        data.GetProperty("is_admin").GetBoolean().ShouldBeTrue();
        data.GetProperty("permissions").GetArrayLength().ShouldBe(App.Infrastructure.Tenancy.Permissions.All.Count);
    }

    [Fact]
    public async Task A_user_manager_who_is_not_an_administrator_cannot_grant_more_than_they_hold()
    {
        var tenant = await factory.CreateTenantAsync();
        var manager = await tenant.CreateUserAsync("manager", ["manage_users", "send_sms"]);
        var client = await manager.SignedInClientAsync();

        (await client.PostJsonAsync("/api/users", new { username = "clerk", password = UserTestData.Password, permissions = new[] { "send_sms" } }))
            .StatusCode.ShouldBe(System.Net.HttpStatusCode.Created);
        (await (await client.PostJsonAsync("/api/users", new { username = "caller", password = UserTestData.Password, permissions = new[] { "send_voice" } }))
            .ShouldBeErrorAsync(403, "FORBIDDEN")).GetProperty("message").GetString()!.ShouldContain("send_voice");
        await (await client.PostJsonAsync("/api/users", new { username = "admin2", password = UserTestData.Password, is_admin = true }))
            .ShouldBeErrorAsync(403, "FORBIDDEN");
    }
}

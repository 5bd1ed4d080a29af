using App.Features.Auth;
using App.Tests.Features.Users;
using App.Tests.Support;
using Dapper;

namespace App.Tests.Features.Auth;

public sealed class LoginTests(AuthAppFactory factory) : IClassFixture<AuthAppFactory>
{
    [Fact]
    public async Task A_user_signs_in_with_tenant_username_and_password_and_the_token_works_as_a_bearer()
    {
        var tenant = await factory.CreateTenantAsync();
        var user = await tenant.CreateUserAsync("olga", ["view_logs", "send_sms"]);

        var data = await (await factory.LoginAsync(tenant.Id, "OLGA", user.Password)).ShouldBeSuccessAsync();

        var token = data.GetProperty("token").GetString()!;
        var expiresAt = DateTimeOffset.Parse(data.GetProperty("expires_at").GetString()!);
        expiresAt.ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(59), DateTimeOffset.UtcNow.AddMinutes(61));
        var signedIn = data.GetProperty("user");
        signedIn.GetProperty("id").GetInt64().ShouldBe(user.Id);
        signedIn.GetProperty("username").GetString().ShouldBe("olga");
        signedIn.GetProperty("display_name").GetString().ShouldBe("olga Display");
        signedIn.GetProperty("is_admin").GetBoolean().ShouldBeFalse();
        signedIn.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).ShouldBe(["send_sms", "view_logs"]);
        (await factory.BearerClient(token).GetAsync("/api/communication/history")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);

        await using var connection = await factory.Db.OpenAsync();
        var lastLogin = await connection.ExecuteScalarAsync<string>("SELECT last_login_at FROM users WHERE id = @Id", new { user.Id });
        DateTimeOffset.Parse(lastLogin!).ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-1));
    }

    [Fact]
    public async Task Wrong_password_unknown_user_unknown_tenant_and_deactivated_user_all_get_the_same_401()
    {
        var tenant = await factory.CreateTenantAsync();
        var user = await tenant.CreateUserAsync("paul");
        var gone = await tenant.CreateUserAsync("quentin");
        await (await tenant.Client().PostAsync($"/api/users/{gone.Id}/deactivate", null)).ShouldBeSuccessAsync();

        var attempts = new[]
        {
            await factory.LoginAsync(tenant.Id, "paul", "not-the-password"),
            await factory.LoginAsync(tenant.Id, "nobody-here", user.Password),
            await factory.LoginAsync("no-such-tenant", "paul", user.Password),
            await factory.LoginAsync(tenant.Id, "quentin", gone.Password),
        };

        foreach (var attempt in attempts)
        {
            var error = await attempt.ShouldBeErrorAsync(401, "UNAUTHORIZED");
            error.GetProperty("message").GetString().ShouldBe(Login.FailureMessage);
            error.GetProperty("details").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        }
    }

    [Fact]
    public async Task Sign_in_successes_and_failures_are_audited_without_the_password()
    {
        var tenant = await factory.CreateTenantAsync();
        var user = await tenant.CreateUserAsync("rosa");

        await factory.LoginAsync(tenant.Id, "rosa", "wrong-password-here");
        await factory.LoginAsync(tenant.Id, "rosa", user.Password);

        var rows = (await factory.AuditRowsAsync(tenant.Id)).Where(r => r.Action == "auth.login").ToList();
        rows.Count.ShouldBe(2);
        rows[0].Outcome.ShouldBe("success");
        rows[0].UserId.ShouldBe(user.Id);
        rows[0].EntityId.ShouldBe(user.Id.ToString());
        rows[1].Outcome.ShouldBe("failure");
        rows[1].StatusCode.ShouldBe(401);
        rows.ShouldAllBe(r => r.Actor == "rosa" && r.ActorType == "user");
        await using var connection = await factory.Db.OpenAsync();
        var everything = string.Join("\n", await connection.QueryAsync<string>("SELECT json_array(actor, action, route, changes, client_id, user_agent) FROM audit_log"));
        everything.ShouldNotContain("wrong-password-here");
        everything.ShouldNotContain(user.Password);
    }

    [Fact]
    public async Task Sign_in_requires_all_three_fields()
    {
        var error = await (await factory.CreateClient().PostJsonAsync("/api/auth/login", new { username = "x" })).ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        error.GetProperty("details").TryGetProperty("tenant_id", out _).ShouldBeTrue();
        error.GetProperty("details").TryGetProperty("password", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task A_token_from_another_signing_key_or_tampered_with_is_refused()
    {
        var tenant = await factory.CreateTenantAsync();
        var user = await tenant.CreateUserAsync("sven", ["view_logs"]);
        var token = await user.SignInAsync();
        var parts = token.Split('.');
        var tampered = parts[0] + "." + parts[1] + "x." + parts[2];

        await (await factory.BearerClient(tampered).GetAsync("/api/audit")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
        await (await factory.BearerClient("sbs.e30.AAAA").GetAsync("/api/audit")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
        await (await factory.BearerClient("garbage").GetAsync("/api/audit")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
    }
}

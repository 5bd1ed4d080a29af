using System.Text.Json;
using App.Tests.Support;

namespace App.Tests.Features.Users;

public sealed class UpdateUserTests(AuthAppFactory factory) : IClassFixture<AuthAppFactory>
{
    [Fact]
    public async Task A_user_is_updated_and_the_audit_row_lists_the_changed_fields()
    {
        var tenant = await factory.CreateTenantAsync();
        var user = await tenant.CreateUserAsync("edith", ["send_sms"]);

        var data = await (await tenant.Client().PutJsonAsync($"/api/users/{user.Id}", new
        {
            username = "edith", display_name = "Edith P.", email = "edith@example.com", permissions = new[] { "send_sms", "view_logs" },
        })).ShouldBeSuccessAsync();

        data.GetProperty("display_name").GetString().ShouldBe("Edith P.");
        data.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).ShouldBe(["send_sms", "view_logs"]);
        var row = (await factory.AuditRowsAsync(tenant.Id)).First(r => r.Action == "users.update");
        row.EntityType.ShouldBe("user");
        row.EntityId.ShouldBe(user.Id.ToString());
        var changes = JsonDocument.Parse(row.Changes!).RootElement;
        changes.GetProperty("display_name").GetProperty("to").GetString().ShouldBe("Edith P.");
        changes.GetProperty("permissions").GetProperty("to").GetArrayLength().ShouldBe(2);
        changes.TryGetProperty("username", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Renaming_to_a_taken_username_is_409()
    {
        var tenant = await factory.CreateTenantAsync();
        await tenant.CreateUserAsync("fritz");
        var user = await tenant.CreateUserAsync("gina");

        await (await tenant.Client().PutJsonAsync($"/api/users/{user.Id}", new { username = "FRITZ" })).ShouldBeErrorAsync(409, "CONFLICT");
    }

    [Fact]
    public async Task Administrators_cannot_remove_their_own_admin_flag_or_deactivate_themselves()
    {
        var tenant = await factory.CreateTenantAsync();
        var admin = await tenant.CreateUserAsync("root", isAdmin: true);
        var client = await admin.SignedInClientAsync();

        await (await client.PutJsonAsync($"/api/users/{admin.Id}", new { username = "root", is_admin = false })).ShouldBeErrorAsync(409, "CONFLICT");
        await (await client.PutJsonAsync($"/api/users/{admin.Id}", new { username = "root", is_active = false })).ShouldBeErrorAsync(409, "CONFLICT");
        await (await client.PostAsync($"/api/users/{admin.Id}/deactivate", null)).ShouldBeErrorAsync(409, "CONFLICT");
        (await client.PutJsonAsync($"/api/users/{admin.Id}", new { username = "root", display_name = "The root" })).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
    }

    [Fact]
    public async Task Permission_changes_apply_to_the_next_request_of_a_signed_in_user()
    {
        var tenant = await factory.CreateTenantAsync();
        var user = await tenant.CreateUserAsync("hugo", ["view_logs"]);
        var client = await user.SignedInClientAsync();
        (await client.GetAsync("/api/audit")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);

        await (await tenant.Client().PutJsonAsync($"/api/users/{user.Id}", new { username = "hugo", permissions = Array.Empty<string>() })).ShouldBeSuccessAsync();

        await (await client.GetAsync("/api/audit")).ShouldBeErrorAsync(403, "FORBIDDEN");
    }

    [Fact]
    public async Task A_deactivated_user_can_be_reactivated_by_editing_but_old_sessions_stay_ended()
    {
        var tenant = await factory.CreateTenantAsync();
        var user = await tenant.CreateUserAsync("ida", ["view_logs"]);
        var oldClient = await user.SignedInClientAsync();
        await (await tenant.Client().PostAsync($"/api/users/{user.Id}/deactivate", null)).ShouldBeSuccessAsync();

        var data = await (await tenant.Client().PutJsonAsync($"/api/users/{user.Id}", new { username = "ida", permissions = new[] { "view_logs" }, is_active = true }))
            .ShouldBeSuccessAsync();

        data.GetProperty("is_active").GetBoolean().ShouldBeTrue();
        await (await oldClient.GetAsync("/api/audit")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
        (await (await user.SignedInClientAsync()).GetAsync("/api/audit")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
    }
}

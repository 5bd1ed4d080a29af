using System.Net.Http.Headers;
using App.Tests.Support;
using Dapper;

namespace App.Tests.Features.Users;

/// <summary>The app with a cheap bcrypt work factor (4), so that tests creating users and signing in stay fast.</summary>
public class AuthAppFactory : AppFactory
{
    public AuthAppFactory() => Settings["Auth:BcryptWorkFactor"] = "4";
}

public sealed record TestUser(long Id, string Username, string Password, TestTenant Tenant);

public static class UserTestData
{
    public const string Password = "correct-horse-battery";

    /// <summary>Creates a user through the API with the tenant's key.</summary>
    public static async Task<TestUser> CreateUserAsync(this TestTenant tenant, string username, string[]? permissions = null,
        bool isAdmin = false, string password = Password)
    {
        var data = await (await tenant.Client().PostJsonAsync("/api/users", new
        {
            username,
            display_name = username + " Display",
            password,
            permissions = permissions ?? [],
            is_admin = isAdmin,
        })).ShouldBeSuccessAsync(201);
        return new TestUser(data.GetProperty("id").GetInt64(), username, password, tenant);
    }

    public static async Task<HttpResponseMessage> LoginAsync(this AppFactory factory, string tenantId, string username, string password,
        string? ip = null)
    {
        var client = factory.CreateClient();
        if (ip is not null) client.DefaultRequestHeaders.Add("X-Forwarded-For", ip);
        return await client.PostJsonAsync("/api/auth/login", new { tenant_id = tenantId, username, password });
    }

    /// <summary>Signs the user in and returns the bearer token.</summary>
    public static async Task<string> SignInAsync(this TestUser user)
    {
        var data = await (await user.Tenant.Factory.LoginAsync(user.Tenant.Id, user.Username, user.Password)).ShouldBeSuccessAsync();
        return data.GetProperty("token").GetString()!;
    }

    public static async Task<HttpClient> SignedInClientAsync(this TestUser user) => user.Tenant.Factory.BearerClient(await user.SignInAsync());

    public static HttpClient BearerClient(this AppFactory factory, string token)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public sealed class AuditRow
    {
        public long Id { get; init; }
        public string? TenantId { get; init; }
        public string ActorType { get; init; } = "";
        public string? Actor { get; init; }
        public long? UserId { get; init; }
        public string? ClientId { get; init; }
        public string? IpAddress { get; init; }
        public string Method { get; init; } = "";
        public string? Route { get; init; }
        public string Action { get; init; } = "";
        public string? EntityType { get; init; }
        public string? EntityId { get; init; }
        public string Outcome { get; init; } = "";
        public int StatusCode { get; init; }
        public string? Changes { get; init; }
    }

    /// <summary>Audit rows straight from the table (newest first), optionally of one tenant.</summary>
    public static async Task<List<AuditRow>> AuditRowsAsync(this AppFactory factory, string? tenantId = null)
    {
        await using var connection = await factory.Db.OpenAsync();
        return (await connection.QueryAsync<AuditRow>("""
            SELECT id, tenant_id, actor_type, actor, user_id, client_id, ip_address, method, route, action, entity_type, entity_id,
                   outcome, status_code, changes
            FROM audit_log WHERE @tenantId IS NULL OR tenant_id = @tenantId ORDER BY id DESC
            """, new { tenantId })).AsList();
    }
}

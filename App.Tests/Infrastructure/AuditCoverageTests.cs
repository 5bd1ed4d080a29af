using App.Tests.Features.Users;
using App.Tests.Support;
using Dapper;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace App.Tests.Infrastructure;

/// <summary>The provisioning API on (so its routes exist) and cheap bcrypt.</summary>
public sealed class AuditCoverageAppFactory : AuthAppFactory
{
    public AuditCoverageAppFactory() => Settings["Operator:ApiKey"] = AppFactory.OperatorKey;
}

/// <summary>
/// Every mutating /api route of the app — whatever feature added it — writes an audit row, even when the request is
/// refused (invalid body, unknown id). A new route that writes no row fails this test.
/// </summary>
public sealed class AuditCoverageTests(AuditCoverageAppFactory factory) : IClassFixture<AuditCoverageAppFactory>
{
    private static readonly string[] Mutating = ["POST", "PUT", "PATCH", "DELETE"];

    [Fact]
    public async Task Every_mutating_api_route_writes_an_audit_row()
    {
        var tenant = await factory.CreateTenantAsync();
        var client = tenant.Client();
        client.DefaultRequestHeaders.Add("X-Operator-Key", AppFactory.OperatorKey);
        client.DefaultRequestHeaders.Add("X-Client-Id", "audit-coverage");

        var routes = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Intersect(Mutating)
                .Select(method => (Method: method, Pattern: e.RoutePattern.RawText!.TrimEnd('/'))))
            .Distinct()
            .ToList();
        routes.ShouldContain(("PUT", "/api/tenant/profile"));
        routes.ShouldContain(("POST", "/api/auth/login"));
        routes.ShouldContain(r => r.Pattern.StartsWith("/api/system/tenants", StringComparison.Ordinal));

        var missing = new List<string>();
        foreach (var (method, pattern) in routes)
        {
            var before = await LastAuditIdAsync();
            var request = new HttpRequestMessage(new HttpMethod(method), ApiRoutes.Fill(pattern))
            {
                Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
            };
            var response = await client.SendAsync(request);

            await using var connection = await factory.Db.OpenAsync();
            var row = await connection.QuerySingleOrDefaultAsync<(string? TenantId, string Action, string ActorType, int StatusCode, string? ClientId)>("""
                SELECT tenant_id, action, actor_type, status_code, client_id FROM audit_log
                WHERE id > @before AND method = @method AND route = @pattern ORDER BY id LIMIT 1
                """, new { before, method, pattern });
            if (row.Action is null)
            {
                missing.Add($"{method} {pattern} ({(int)response.StatusCode})");
                continue;
            }

            row.StatusCode.ShouldBe((int)response.StatusCode, $"{method} {pattern}");
            row.ClientId.ShouldBe("audit-coverage");
            row.Action.ShouldNotBeNullOrWhiteSpace();
            if (!pattern.StartsWith("/api/system/", StringComparison.Ordinal)) row.TenantId.ShouldBe(tenant.Id, $"{method} {pattern}");
        }

        missing.ShouldBeEmpty();
    }

    [Fact]
    public async Task Operator_calls_are_recorded_as_the_operator_in_the_trail_of_the_tenant_they_touch()
    {
        var tenant = await factory.CreateTenantAsync();
        var operatorClient = factory.OperatorClient();

        (await operatorClient.PostAsync($"/api/system/tenants/{tenant.Id}/rotate-key", null)).EnsureSuccessStatusCode();

        var row = (await factory.AuditRowsAsync(tenant.Id)).Single(r => r.Action == "system.tenants.rotate_key");
        row.ActorType.ShouldBe("operator");
        row.EntityType.ShouldBe("tenant");
        row.EntityId.ShouldBe(tenant.Id);
        row.Outcome.ShouldBe("success");
        await using var connection = await factory.Db.OpenAsync();
        (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE actor LIKE '%' || @key || '%'", new { key = AppFactory.OperatorKey })).ShouldBe(0);
    }

    [Fact]
    public async Task Reads_are_not_audited()
    {
        var tenant = await factory.CreateTenantAsync();

        await tenant.Client().GetAsync("/api/tenant/profile");
        await tenant.Client().GetAsync("/api/voice-messages");

        (await factory.AuditRowsAsync(tenant.Id)).ShouldBeEmpty();
    }

    private async Task<long> LastAuditIdAsync()
    {
        await using var connection = await factory.Db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(id), 0) FROM audit_log");
    }
}

using App.Infrastructure.Tenancy;
using App.Tests.Features.Users;
using App.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace App.Tests.Infrastructure;

/// <summary>
/// Every feature enforces its permission by declaration: a user without it gets 403 FORBIDDEN, a user holding exactly
/// it gets through. The representative cases assert a real success; the sweep covers every /api endpoint that declares
/// a permission, including features added later.
/// </summary>
public sealed class PermissionMatrixTests(AuthAppFactory factory) : IClassFixture<AuthAppFactory>
{
    public static TheoryData<string, string, string, string?> Representatives => new()
    {
        { Permissions.ManageSettings, "PUT", "/api/tenant/profile", """{"name":"Renamed"}""" },
        { Permissions.ViewLogs, "GET", "/api/tenant/usage", null },
        { Permissions.ManageVoiceMessages, "POST", "/api/voice-messages", """{"name":"Matrix","voice_text":"Hello."}""" },
        { Permissions.SendSms, "POST", "/api/communication/sms/send", """{"to":"+14155552671","message":"Hello"}""" },
        { Permissions.ViewLogs, "GET", "/api/communication/history", null },
        { Permissions.ManageUsers, "GET", "/api/users", null },
        { Permissions.ViewLogs, "GET", "/api/audit", null },
        { Permissions.ViewLogs, "GET", "/api/errors", null },
    };

    [Theory]
    [MemberData(nameof(Representatives))]
    public async Task A_representative_endpoint_refuses_a_user_without_the_permission_and_serves_one_with_it(
        string permission, string method, string path, string? body)
    {
        var tenant = await factory.CreateTenantAsync();
        var without = await tenant.CreateUserAsync("without", []);
        var with = await tenant.CreateUserAsync("with", [permission]);

        var refused = await SendAsync(await without.SignedInClientAsync(), method, path, body);
        var served = await SendAsync(await with.SignedInClientAsync(), method, path, body);

        await refused.ShouldBeErrorAsync(403, "FORBIDDEN");
        ((int)served.StatusCode).ShouldBeInRange(200, 299, await served.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Every_endpoint_that_declares_a_permission_refuses_users_lacking_it_and_admits_users_holding_only_it()
    {
        var tenant = await factory.CreateTenantAsync();
        var tokens = new Dictionary<string, string>();
        async Task<HttpClient> ClientAsync(string name, string[] permissions)
        {
            if (!tokens.TryGetValue(name, out var token))
                tokens[name] = token = await (await tenant.CreateUserAsync(name, permissions)).SignInAsync();
            return factory.BearerClient(token);
        }

        var checkedEndpoints = 0;
        foreach (var (method, pattern, permission) in DeclaredPermissions(factory))
        {
            var path = ApiRoutes.Fill(pattern);
            var lacking = await ClientAsync("all-but-" + permission.Replace('_', '-'), Permissions.All.Where(p => p != permission).ToArray());
            var holding = await ClientAsync("only-" + permission.Replace('_', '-'), [permission]);

            var refused = await SendAsync(lacking, method, path, "{}");
            var admitted = await SendAsync(holding, method, path, "{}");

            ((int)refused.StatusCode).ShouldBe(403, $"{method} {pattern} without {permission}");
            ((int)admitted.StatusCode).ShouldNotBeOneOf([401, 403], $"{method} {pattern} with only {permission}: {await admitted.Content.ReadAsStringAsync()}");
            checkedEndpoints++;
        }

        checkedEndpoints.ShouldBeGreaterThan(10);
    }

    [Fact]
    public async Task Every_api_endpoint_declares_who_may_call_it()
    {
        await factory.CreateTenantAsync();
        var undeclared = new List<string>();
        var mutatingWithoutPermission = new List<string>();
        foreach (var endpoint in factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern.RawText ?? "";
            if (!pattern.StartsWith("/api", StringComparison.Ordinal) || pattern.StartsWith("/api/system/", StringComparison.Ordinal)) continue;
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            var name = $"{string.Join('|', methods)} {pattern}";
            if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            {
                if (pattern != "/api/auth/login") undeclared.Add(name + " (anonymous)");
                continue;
            }

            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().ToList();
            if (policies.Count == 0) undeclared.Add(name);
            var mutating = methods.Any(m => m is "POST" or "PUT" or "PATCH" or "DELETE");
            if (mutating && !policies.Any(p => p.Policy is not null) && pattern != "/api/auth/logout") mutatingWithoutPermission.Add(name);
        }

        undeclared.ShouldBeEmpty();
        mutatingWithoutPermission.ShouldBeEmpty();
    }

    internal static IEnumerable<(string Method, string Pattern, string Permission)> DeclaredPermissions(AppFactory factory)
    {
        foreach (var endpoint in factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern.RawText ?? "";
            if (!pattern.StartsWith("/api", StringComparison.Ordinal)) continue;
            var permissions = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>()
                .Select(a => a.Policy).Where(p => p?.StartsWith("perm:", StringComparison.Ordinal) == true)
                .Select(p => p!["perm:".Length..]).Distinct().ToList();
            if (permissions.Count != 1) continue;
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
                yield return (method, pattern, permissions[0]);
        }
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, string? body)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null) request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        return client.SendAsync(request);
    }
}

/// <summary>Turns a route pattern into a request path: every parameter becomes an id that exists nowhere.</summary>
internal static class ApiRoutes
{
    public static string Fill(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, @"\{[^}]+\}", "987654").TrimEnd('/') is { Length: > 0 } path ? path : "/";
}

using System.Net.Http.Headers;
using App.Features.Auth;
using App.Features.Operator;
using App.Infrastructure.Database;
using App.Tests.Features.Auth;
using App.Tests.Features.Users;
using App.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace App.Tests.Features.Operator;

public sealed class OperatorTimedAppFactory : TimedAppFactory
{
    public OperatorTimedAppFactory() => Settings["Operator:ApiKey"] = AppFactory.OperatorKey;

    public async Task<string> StartSessionAsync()
    {
        var started = await (await OperatorClient().PostAsync("/api/system/session", null)).ShouldBeSuccessAsync();
        return started.GetProperty("token").GetString()!;
    }

    public HttpClient SessionClient(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

/// <summary>
/// The console signs in with the operator key once and keeps only a short-lived session token: the token opens the
/// operator API until it expires or is signed out, opens nothing else, and cannot start another session.
/// </summary>
public sealed class OperatorSessionTests(OperatorTimedAppFactory factory) : IClassFixture<OperatorTimedAppFactory>
{
    [Fact]
    public async Task The_key_is_exchanged_for_a_session_token_that_works_until_it_is_signed_out()
    {
        var token = await factory.StartSessionAsync();
        token.ShouldStartWith("sbo.");
        token.ShouldNotContain(AppFactory.OperatorKey);
        var session = factory.SessionClient(token);

        await (await session.GetAsync("/api/system/overview")).ShouldBeSuccessAsync();
        var me = await (await session.GetAsync("/api/system/session")).ShouldBeSuccessAsync();
        me.GetProperty("via").GetString().ShouldBe("session");
        me.GetProperty("actor").GetString()!.ShouldStartWith("operator:session:");
        me.GetProperty("expires_at").GetDateTimeOffset().ShouldBe(factory.Time.GetUtcNow().AddMinutes(30), TimeSpan.FromSeconds(2));

        (await (await session.DeleteAsync("/api/system/session")).ShouldBeSuccessAsync()).GetProperty("revoked").GetBoolean().ShouldBeTrue();
        var refused = await (await session.GetAsync("/api/system/overview")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
        refused.GetProperty("message").GetString()!.ShouldContain("sign in again");
    }

    [Fact]
    public async Task A_session_ends_when_it_expires()
    {
        var session = factory.SessionClient(await factory.StartSessionAsync());
        await (await session.GetAsync("/api/system/overview")).ShouldBeSuccessAsync();

        factory.Time.Advance(TimeSpan.FromMinutes(31));

        await (await session.GetAsync("/api/system/overview")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_session_cannot_start_another_one()
    {
        var session = factory.SessionClient(await factory.StartSessionAsync());

        await (await session.PostAsync("/api/system/session", null)).ShouldBeErrorAsync(403, "FORBIDDEN");
    }

    [Fact]
    public async Task A_session_token_opens_nothing_of_a_tenant_and_tenant_tokens_open_nothing_of_the_operator()
    {
        var tenant = await factory.CreateTenantAsync();
        var operatorToken = await factory.StartSessionAsync();
        var embedToken = (await (await tenant.Client().PostJsonAsync("/api/tenant/embed-token", new { })).ShouldBeSuccessAsync())
            .GetProperty("token").GetString()!;

        await (await factory.SessionClient(operatorToken).GetAsync("/api/tenant/profile")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
        await (await factory.SessionClient(embedToken).GetAsync("/api/system/overview")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
        await (await tenant.Client().GetAsync("/api/system/overview")).ShouldBeErrorAsync(401, "UNAUTHORIZED");

        // A token whose payload was changed (a later expiry) no longer matches its signature.
        var parts = operatorToken.Split('.');
        var forged = parts[0] + "." + parts[1][..^2] + (parts[1][^2..] == "AA" ? "AB" : "AA") + "." + parts[2];
        await (await factory.SessionClient(forged).GetAsync("/api/system/overview")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_session_issued_for_an_old_operator_key_is_refused_once_the_key_changes()
    {
        var token = await factory.StartSessionAsync();
        OperatorSessions SessionsWithKey(string key) => new(
            factory.Service<SignedTokens>(), factory.Service<Db>(), factory.Time,
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Operator:ApiKey"] = key }).Build(),
            factory.Service<IOptions<OperatorOptions>>());

        (await SessionsWithKey(AppFactory.OperatorKey).ReadAsync(token, CancellationToken.None)).ShouldNotBeNull();
        (await SessionsWithKey("op_the_next_key_after_a_rotation").ReadAsync(token, CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task Signing_in_and_out_is_in_the_audit_trail_as_the_operator_without_the_key()
    {
        var token = await factory.StartSessionAsync();
        await factory.SessionClient(token).DeleteAsync("/api/system/session");

        var rows = await factory.AuditRowsAsync();
        var signIn = rows.First(r => r.Action == "operator.sign_in");
        signIn.ActorType.ShouldBe("operator");
        signIn.Outcome.ShouldBe("success");
        var signOut = rows.First(r => r.Action == "operator.sign_out");
        signOut.Actor!.ShouldStartWith("operator:session:");
        rows.ShouldAllBe(r => r.Actor == null || !r.Actor.Contains(AppFactory.OperatorKey));
    }
}

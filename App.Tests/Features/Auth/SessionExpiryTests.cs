using App.Features.Auth;
using App.Tests.Features.Users;
using App.Tests.Support;

namespace App.Tests.Features.Auth;

public sealed class SessionExpiryTests(TimedAppFactory factory) : IClassFixture<TimedAppFactory>
{
    [Fact]
    public async Task A_session_token_stops_working_when_it_expires()
    {
        var tenant = await factory.CreateTenantAsync();
        var user = await tenant.CreateUserAsync("tara", ["view_logs"]);
        var client = await user.SignedInClientAsync();
        (await client.GetAsync("/api/audit")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);

        factory.Time.Advance(TimeSpan.FromMinutes(61));

        await (await client.GetAsync("/api/audit")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_token_minted_already_expired_is_refused()
    {
        var tenant = await factory.CreateTenantAsync();
        var user = await tenant.CreateUserAsync("uwe", ["view_logs"]);
        var now = factory.Time.GetUtcNow().ToUnixTimeSeconds();
        await using var connection = await factory.Db.OpenAsync();
        var stamp = await Dapper.SqlMapper.ExecuteScalarAsync<string>(connection, "SELECT session_stamp FROM users WHERE id = @Id", new { user.Id });
        var tokens = factory.Service<SignedTokens>();
        var valid = tokens.Sign(SignedTokens.SessionKind, new SessionPayload("fresh-token-id", tenant.Id, user.Id, stamp!, now, now + 60));
        var expired = tokens.Sign(SignedTokens.SessionKind, new SessionPayload("stale-token-id", tenant.Id, user.Id, stamp!, now - 3600, now - 1));

        (await factory.BearerClient(valid).GetAsync("/api/audit")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        await (await factory.BearerClient(expired).GetAsync("/api/audit")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
    }
}

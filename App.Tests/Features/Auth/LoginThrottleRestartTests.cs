using App.Tests.Features.Ops;
using App.Tests.Features.Users;
using App.Tests.Support;
using Dapper;
using Microsoft.Data.Sqlite;

namespace App.Tests.Features.Auth;

/// <summary>A restart (a deploy, a crash) does not hand someone guessing passwords a fresh set of attempts.</summary>
public sealed class LoginThrottleRestartTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "switchboard-throttle", Guid.NewGuid().ToString("N"));

    private ServerOn Server() => new(_dataDirectory, new() { ["Auth:BcryptWorkFactor"] = "4" });

    [Fact]
    public async Task Failed_sign_ins_still_count_after_the_server_restarts()
    {
        TestUser user;
        await using (var before = Server())
        {
            var tenant = await before.CreateTenantAsync(id: "guarded");
            user = await tenant.CreateUserAsync("vera");
            for (var i = 0; i < 5; i++)
                await (await before.LoginAsync(tenant.Id, "vera", "wrong-password-" + i)).ShouldBeErrorAsync(401, "UNAUTHORIZED");
        }

        await using var after = Server();
        var throttled = await after.LoginAsync("guarded", "vera", user.Password);

        await throttled.ShouldBeErrorAsync(429, "RATE_LIMITED");
        throttled.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeInRange(850, 900);
    }

    [Fact]
    public async Task What_is_stored_names_nobody_and_no_typed_password()
    {
        await using var server = Server();
        var tenant = await server.CreateTenantAsync(id: "private");
        await (await server.LoginAsync(tenant.Id, "Tr0ub4dor&3-typed-as-username", "whatever-pass", ip: "203.0.113.44")).ShouldBeErrorAsync(401, "UNAUTHORIZED");

        await using var connection = await server.Db.OpenAsync();
        var keys = (await connection.QueryAsync<string>("SELECT throttle_key FROM login_failures")).ToList();
        keys.Count.ShouldBe(2);
        keys.ShouldAllBe(key => key.Length == 64 && !key.Contains("Tr0ub4dor") && !key.Contains("203.0.113.44"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dataDirectory, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}

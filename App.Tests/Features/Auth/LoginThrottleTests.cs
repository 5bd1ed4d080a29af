using App.Tests.Features.Users;
using App.Tests.Support;

namespace App.Tests.Features.Auth;

public sealed class LoginThrottleTests(TimedAppFactory factory) : IClassFixture<TimedAppFactory>
{
    [Fact]
    public async Task After_five_failures_for_a_user_sign_in_is_429_until_the_window_passes_even_with_the_right_password()
    {
        var tenant = await factory.CreateTenantAsync();
        var user = await tenant.CreateUserAsync("vera");
        for (var i = 0; i < 5; i++)
            await (await factory.LoginAsync(tenant.Id, "vera", "wrong-password-" + i)).ShouldBeErrorAsync(401, "UNAUTHORIZED");

        var throttled = await factory.LoginAsync(tenant.Id, "VERA", user.Password);

        await throttled.ShouldBeErrorAsync(429, "RATE_LIMITED");
        throttled.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeInRange(890, 900);
        (await factory.LoginAsync(tenant.Id, "someone-else", "whatever-pass")).StatusCode.ShouldBe(System.Net.HttpStatusCode.Unauthorized);

        factory.Time.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));

        await (await factory.LoginAsync(tenant.Id, "vera", user.Password)).ShouldBeSuccessAsync();
    }

    [Fact]
    public async Task After_twenty_failures_from_one_address_that_address_is_throttled_and_others_are_not()
    {
        var tenant = await factory.CreateTenantAsync();
        var user = await tenant.CreateUserAsync("walt");
        for (var i = 0; i < 20; i++)
            await (await factory.LoginAsync(tenant.Id, "guess-" + i, "wrong-password", ip: "203.0.113.9")).ShouldBeErrorAsync(401, "UNAUTHORIZED");

        await (await factory.LoginAsync(tenant.Id, "walt", user.Password, ip: "203.0.113.9")).ShouldBeErrorAsync(429, "RATE_LIMITED");
        await (await factory.LoginAsync(tenant.Id, "walt", user.Password, ip: "198.51.100.7")).ShouldBeSuccessAsync();
    }
}

using App.Features.Auth;
using App.Tests.Features.Users;
using App.Tests.Support;
using Dapper;

namespace App.Tests.Features.Auth;

public sealed class LegacyPasswordsTests(AuthAppFactory factory) : IClassFixture<AuthAppFactory>
{
    [Fact]
    public void A_legacy_password_becomes_a_bcrypt_hash_and_an_existing_hash_is_kept()
    {
        var hash = LegacyPasswords.Adopt("secret1", workFactor: 4);

        hash.ShouldStartWith("$2");
        hash.ShouldNotContain("secret1");
        BCrypt.Net.BCrypt.Verify("secret1", hash).ShouldBeTrue();
        LegacyPasswords.Adopt(hash, workFactor: 4).ShouldBe(hash);
        Should.Throw<ArgumentException>(() => LegacyPasswords.Adopt("", workFactor: 4));
    }

    [Fact]
    public async Task A_user_whose_password_was_never_adopted_cannot_sign_in()
    {
        var tenant = await factory.CreateTenantAsync();
        await using var connection = await factory.Db.OpenAsync();
        await connection.ExecuteAsync("""
            INSERT INTO users (tenant_id, username, password_hash, display_name, session_stamp)
            VALUES (@Id, 'plain.pat', 'plain-text-pw', 'Pat', 'stamp')
            """, new { tenant.Id });

        await (await factory.LoginAsync(tenant.Id, "plain.pat", "plain-text-pw")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
    }
}

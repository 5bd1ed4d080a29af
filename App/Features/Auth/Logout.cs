using System.Globalization;
using System.Security.Claims;

namespace App.Features.Auth;

/// <summary>
/// POST /api/auth/logout — revokes the bearer token that made the request (a user session or an embed token) until it
/// would have expired. With the API key there is nothing to sign out: it answers 200 and changes nothing.
/// </summary>
public static class Logout
{
    public sealed record Response(bool Revoked);

    public static async Task<IResult> Handle(HttpContext http, Db db, TimeProvider time, CancellationToken ct)
    {
        var tokenId = http.User.FindFirstValue(TenantClaims.TokenId);
        var expires = http.User.FindFirstValue(TenantClaims.TokenExpires);
        if (tokenId is null || expires is null)
            return Api.Ok(new Response(false), "The API key is not a session; nothing was signed out.");

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(expires, CultureInfo.InvariantCulture));
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync("""
            DELETE FROM revoked_tokens WHERE expires_at < @Now;
            INSERT INTO revoked_tokens (token_id, expires_at) VALUES (@TokenId, @ExpiresAt) ON CONFLICT (token_id) DO NOTHING;
            """, new { Now = Db.Timestamp(time.GetUtcNow()), TokenId = tokenId, ExpiresAt = Db.Timestamp(expiresAt) });
        return Api.Ok(new Response(true), "Signed out.");
    }
}

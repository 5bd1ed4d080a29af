using System.Security.Claims;

namespace App.Features.Auth;

/// <summary>
/// Reads an embed token (minted with the API key by <see cref="CreateEmbedToken"/>). It stays valid until it expires,
/// is signed out, its tenant is disabled, or the tenant's API key is rotated (the token names the key that minted it).
/// </summary>
public sealed class EmbedTokenReader(SignedTokens tokens, Db db, TimeProvider time) : IBearerTokenReader
{
    private sealed class Row
    {
        public string Name { get; init; } = "";
        public bool Revoked { get; init; }
    }

    private const string Sql = """
        SELECT name, EXISTS (SELECT 1 FROM revoked_tokens r WHERE r.token_id = @Jti) AS revoked
        FROM tenants WHERE id = @Tid AND is_active = 1 AND api_key_prefix = @Kp
        """;

    public async Task<ClaimsPrincipal?> ReadAsync(string token, CancellationToken cancellationToken)
    {
        var embed = tokens.Read<EmbedPayload>(SignedTokens.EmbedKind, token);
        if (embed is null || embed.Exp <= time.GetUtcNow().ToUnixTimeSeconds()) return null;

        await using var connection = await db.OpenAsync(cancellationToken);
        var tenant = await connection.QuerySingleOrDefaultAsync<Row>(Sql, new { embed.Jti, embed.Tid, embed.Kp });
        if (tenant is null || tenant.Revoked) return null;

        // Whatever the token claims, it never carries more than an embed token may hold.
        var permissions = AuthClaims.Ordered(embed.Perms).Where(CreateEmbedToken.Grantable.Contains);
        return AuthClaims.Principal(embed.Tid, tenant.Name, Actor.Embed, ActorName(embed.Jti), userId: null,
            permissions, embed.Jti, DateTimeOffset.FromUnixTimeSeconds(embed.Exp));
    }

    public static string ActorName(string tokenId) => "embed:" + tokenId[..Math.Min(8, tokenId.Length)];
}

using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace App.Features.Auth;

/// <summary>
/// Reads a signed-in user's bearer token. Every request re-reads the user (no cache): a deactivated user, a disabled
/// tenant, a new session stamp (password reset, deactivation) or a revoked token id ends the session at once, and
/// permission changes apply to the next request.
/// </summary>
public sealed class SessionTokenReader(SignedTokens tokens, Db db, TimeProvider time) : IBearerTokenReader
{
    /// <summary>What a session is made from at sign-in (<see cref="Login"/>) and read again on every request.</summary>
    internal class SessionUser
    {
        public const string Columns = "u.id, u.username, u.display_name, u.permissions, u.is_admin, u.session_stamp";

        public long Id { get; init; }
        public string Username { get; init; } = "";
        public string DisplayName { get; init; } = "";
        public string Permissions { get; init; } = "[]";
        public bool IsAdmin { get; init; }
        public string SessionStamp { get; init; } = "";
    }

    private sealed class Row : SessionUser
    {
        public string TenantName { get; init; } = "";
        public bool Revoked { get; init; }
    }

    private const string Sql = $"""
        SELECT {SessionUser.Columns}, t.name AS tenant_name,
               EXISTS (SELECT 1 FROM revoked_tokens r WHERE r.token_id = @Jti) AS revoked
        FROM users u JOIN tenants t ON t.id = u.tenant_id
        WHERE u.id = @Uid AND u.tenant_id = @Tid AND u.is_active = 1 AND t.is_active = 1
        """;

    public async Task<ClaimsPrincipal?> ReadAsync(string token, CancellationToken cancellationToken)
    {
        var session = tokens.Read<SessionPayload>(SignedTokens.SessionKind, token);
        if (session is null || session.Exp <= time.GetUtcNow().ToUnixTimeSeconds()) return null;

        await using var connection = await db.OpenAsync(cancellationToken);
        var user = await connection.QuerySingleOrDefaultAsync<Row>(Sql, new { session.Jti, session.Uid, session.Tid });
        if (user is null || user.Revoked || !StampMatches(user.SessionStamp, session.Stm)) return null;

        return AuthClaims.Principal(session.Tid, user.TenantName, Actor.User, user.Username, user.Id,
            EffectivePermissions(user.Permissions, user.IsAdmin), session.Jti, DateTimeOffset.FromUnixTimeSeconds(session.Exp), user.DisplayName);
    }

    /// <summary>An admin holds every permission; otherwise the stored list, keeping only known names.</summary>
    public static IReadOnlyList<string> EffectivePermissions(string? json, bool isAdmin)
    {
        if (isAdmin) return Permissions.All;
        try
        {
            return AuthClaims.Ordered(JsonSerializer.Deserialize<string[]>(json ?? "[]") ?? []);
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static bool StampMatches(string stored, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(stored), Encoding.UTF8.GetBytes(presented));
}

using System.Globalization;
using System.Security.Claims;

namespace App.Features.Auth;

/// <summary>The tenant principal a bearer token (user session or embed token) stands for, with the claims of <see cref="TenantClaims"/>.</summary>
public static class AuthClaims
{
    /// <summary>Only the API key may mint embed tokens (and nothing else is restricted by actor type).</summary>
    public const string ApiKeyOnlyPolicy = "actor:api_key";

    public static ClaimsPrincipal Principal(string tenantId, string tenantName, string actorType, string actorName, long? userId,
        IEnumerable<string> permissions, string tokenId, DateTimeOffset expiresAt, string? displayName = null)
    {
        var claims = new List<Claim>
        {
            new(TenantClaims.TenantId, tenantId),
            new(TenantClaims.TenantName, tenantName),
            new(TenantClaims.ActorType, actorType),
            new(TenantClaims.ActorName, actorName),
            new(TenantClaims.TokenId, tokenId),
            new(TenantClaims.TokenExpires, expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        };
        if (userId is not null) claims.Add(new Claim(TenantClaims.UserId, userId.Value.ToString(CultureInfo.InvariantCulture)));
        if (displayName is not null) claims.Add(new Claim(TenantClaims.DisplayName, displayName));
        claims.AddRange(permissions.Select(p => new Claim(TenantClaims.Permission, p)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, TenantAuthentication.SchemeName));
    }

    /// <summary>The fixed order of <see cref="Permissions.All"/>, keeping only known names.</summary>
    public static IReadOnlyList<string> Ordered(IEnumerable<string> permissions)
    {
        var set = permissions.ToHashSet(StringComparer.Ordinal);
        return Permissions.All.Where(set.Contains).ToArray();
    }
}

using System.Security.Claims;

namespace App.Infrastructure.Tenancy;

/// <summary>
/// The tenant (and actor) the request authenticated as. Handlers take it as a parameter and filter every
/// tenant-owned query by <see cref="Id"/>.
/// </summary>
public sealed record CurrentTenant(string Id, string Name, Actor Actor)
{
    public static CurrentTenant From(ClaimsPrincipal user)
    {
        var id = user.TenantIdOrNull() ?? throw new InvalidOperationException("The request is not authenticated as a tenant.");
        return new CurrentTenant(id, user.FindFirstValue(TenantClaims.TenantName) ?? id, Actor.From(user));
    }
}

/// <summary>Who acts: the tenant's API key, a signed-in user, or an embed token (for the audit trail).</summary>
public sealed record Actor(string Type, string Name, long? UserId, IReadOnlySet<string> Permissions)
{
    public const string ApiKey = "api_key";
    public const string User = "user";
    public const string Embed = "embed";

    public bool Can(string permission) => Permissions.Contains(permission);

    public static Actor From(ClaimsPrincipal user)
    {
        var userId = user.FindFirstValue(TenantClaims.UserId);
        return new Actor(
            user.FindFirstValue(TenantClaims.ActorType) ?? ApiKey,
            user.FindFirstValue(TenantClaims.ActorName) ?? "",
            userId is null ? null : long.Parse(userId, System.Globalization.CultureInfo.InvariantCulture),
            user.FindAll(TenantClaims.Permission).Select(c => c.Value).ToHashSet(StringComparer.Ordinal));
    }
}

/// <summary>
/// The claims of a tenant principal: who the tenant and actor are, and what it may do; for a bearer token also which
/// token it was and when it expires (so logout can revoke exactly it), and the signed-in user's display name.
/// </summary>
public static class TenantClaims
{
    public const string TenantId = "tenant_id";
    public const string TenantName = "tenant_name";
    public const string ActorType = "actor_type";
    public const string ActorName = "actor";
    public const string UserId = "user_id";
    public const string Permission = "permission";

    public const string TokenId = "token_id";
    public const string TokenExpires = "token_expires";
    public const string DisplayName = "display_name";

    public static string? TenantIdOrNull(this ClaimsPrincipal user) => user.FindFirstValue(TenantId);
}

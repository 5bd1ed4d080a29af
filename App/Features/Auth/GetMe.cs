using System.Globalization;
using System.Security.Claims;

namespace App.Features.Auth;

/// <summary>GET /api/auth/me — who the credential is (API key, user or embed token), for which tenant, with which permissions.</summary>
public static class GetMe
{
    public sealed record Response(TenantInfo Tenant, ActorInfo Actor, IReadOnlyList<string> Permissions, DateTimeOffset? ExpiresAt);

    public sealed record TenantInfo(string Id, string Name);

    public sealed record ActorInfo(string Type, string Name, long? UserId, string? Username, string? DisplayName);

    public static IResult Handle(CurrentTenant tenant, HttpContext http)
    {
        var actor = tenant.Actor;
        var isUser = actor.Type == Actor.User;
        var expires = http.User.FindFirstValue(TenantClaims.TokenExpires);
        return Api.Ok(new Response(
            new TenantInfo(tenant.Id, tenant.Name),
            new ActorInfo(actor.Type, actor.Name, actor.UserId,
                isUser ? actor.Name : null,
                isUser ? http.User.FindFirstValue(TenantClaims.DisplayName) : null),
            AuthClaims.Ordered(actor.Permissions),
            expires is null ? null : DateTimeOffset.FromUnixTimeSeconds(long.Parse(expires, CultureInfo.InvariantCulture))));
    }
}

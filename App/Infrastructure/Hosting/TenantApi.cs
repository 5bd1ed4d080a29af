namespace App.Infrastructure.Hosting;

public static class TenantApi
{
    /// <summary>
    /// A route group of the tenant API: errors in the envelope, a signed-in tenant (API key, session or embed token)
    /// and the per-tenant rate limit. Features add the permission their routes need.
    /// </summary>
    public static RouteGroupBuilder MapTenantApi(this IEndpointRouteBuilder app, string prefix, string tag) =>
        app.MapGroup(prefix)
            .WithErrorResponses()
            .WithTags(tag)
            .RequireAuthorization()
            .RequireRateLimiting(RateLimits.TenantPolicy);
}

using App.Features.Audit;
using App.Infrastructure.Hosting;
using Carter;

namespace App.Features.Auth;

/// <summary>/api/auth — sign-in for the admin UI, sign-out and "who am I"; and /api/tenant/embed-token.</summary>
public sealed class AuthModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth")
            .WithErrorResponses()
            .WithTags("Sign-in")
            .RequireRateLimiting(RateLimits.TenantPolicy);

        group.MapPost("/login", Login.Handle).Returns<Login.Response>()
            .Refuses(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "the tenant, username or password is wrong, or the account is inactive")
            .Refuses(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, "too many failed sign-ins for this name or address; retry after Retry-After seconds")
            .AllowAnonymous()
            .Validate<Login.Request>()
            .WithAuditAction("auth.login", "user")
            .WithSummary("Sign in with a tenant user's name and password: a bearer token for the admin UI.");
        group.MapPost("/logout", Logout.Handle).Returns<Logout.Response>()
            .RequireAuthorization()
            .WithAuditAction("auth.logout", "session")
            .WithSummary("Revoke the bearer token that makes this request (user session or embed token).");
        group.MapGet("/me", GetMe.Handle).Returns<GetMe.Response>()
            .RequireAuthorization()
            .WithSummary("Who the credential is: tenant, actor (API key, user or embed token) and permissions.");

        app.MapPost("/api/tenant/embed-token", CreateEmbedToken.Handle).Returns<CreateEmbedToken.Response>().WithErrorResponses()
            .Refuses(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "the credential is not the API key (a user session or an embed token)")
            .WithTags("Tenant")
            .RequireAuthorization(AuthClaims.ApiKeyOnlyPolicy)
            .RequireRateLimiting(RateLimits.TenantPolicy)
            .Validate<CreateEmbedToken.Request>()
            .WithAuditAction("embed_tokens.create", "embed_token")
            .WithSummary("API key only: a short-lived token that the admin UI accepts in place of the key (?token=).");
    }
}

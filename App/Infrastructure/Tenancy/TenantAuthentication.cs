using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace App.Infrastructure.Tenancy;

/// <summary>
/// Authenticates tenant API calls: the API key from <c>X-API-Key</c> or <c>?apiKey=</c>, or a bearer token
/// (a signed-in user's or an embed token) from <c>Authorization: Bearer</c>. Failures answer in the envelope:
/// 401 UNAUTHORIZED (missing, wrong, expired, disabled) and 403 FORBIDDEN (a permission is missing).
/// </summary>
public sealed class TenantAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    TenantDirectory directory,
    IEnumerable<IBearerTokenReader> bearerReaders)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "Tenant";
    public const string ApiKeyHeader = "X-API-Key";
    public const string ApiKeyQuery = "apiKey";
    private const string FailureItem = "auth-failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var apiKey = Request.Headers[ApiKeyHeader].FirstOrDefault();
        if (string.IsNullOrEmpty(apiKey)) apiKey = Request.Query[ApiKeyQuery].FirstOrDefault();

        if (!string.IsNullOrEmpty(apiKey)) return await AuthenticateApiKeyAsync(apiKey);

        var authorization = Request.Headers.Authorization.FirstOrDefault();
        if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = authorization["Bearer ".Length..].Trim();
            foreach (var reader in bearerReaders)
            {
                var principal = await reader.ReadAsync(token, Context.RequestAborted);
                if (principal is not null) return Success(principal);
            }

            return Fail("The bearer token is invalid, expired or revoked.");
        }

        return AuthenticateResult.NoResult();
    }

    private async Task<AuthenticateResult> AuthenticateApiKeyAsync(string apiKey)
    {
        var presentedHash = ApiKeys.Hash(apiKey);
        var tenant = await directory.FindByKeyHashAsync(presentedHash, Context.RequestAborted);
        // The lookup is by hash (nothing about the key leaks through timing); the final compare is constant-time anyway.
        if (tenant is null || !ApiKeys.SecretsEqual(presentedHash, tenant.ApiKeyHash))
            return Fail("The API key is not valid, or its tenant is disabled.");

        var claims = new List<Claim>
        {
            new(TenantClaims.TenantId, tenant.Id),
            new(TenantClaims.TenantName, tenant.Name),
            new(TenantClaims.ActorType, Actor.ApiKey),
            new(TenantClaims.ActorName, tenant.ApiKeyPrefix + "…"),
        };
        claims.AddRange(Permissions.All.Select(p => new Claim(TenantClaims.Permission, p)));
        return Success(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)));
    }

    private static AuthenticateResult Success(ClaimsPrincipal principal) =>
        AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));

    private AuthenticateResult Fail(string reason)
    {
        Context.Items[FailureItem] = reason;
        return AuthenticateResult.Fail(reason);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var message = Context.Items[FailureItem] as string
            ?? "Authentication is required: send the tenant API key in the X-API-Key header.";
        await Api.Error(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, message).ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        await Api.Error(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden,
            "You do not have permission to do this.").ExecuteAsync(Context);
}

/// <summary>Reads a bearer token (user session or embed token) into a tenant principal; null when it is not one of its own.</summary>
public interface IBearerTokenReader
{
    Task<ClaimsPrincipal?> ReadAsync(string token, CancellationToken cancellationToken);
}

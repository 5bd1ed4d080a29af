using App.Features.Audit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace App.Features.Auth;

/// <summary>What users, sign-in, embed tokens and the audit trail need from the container.</summary>
public static class UsersAndAuditServices
{
    public static IServiceCollection AddUsersAndAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AuthOptions>(configuration.GetSection(AuthOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<Passwords>();
        services.AddSingleton<SignedTokens>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<IBearerTokenReader, SessionTokenReader>();
        services.AddSingleton<IBearerTokenReader, EmbedTokenReader>();
        services.AddSingleton<AuditWriter>();
        services.Configure<RetentionOptions>(configuration.GetSection(RetentionOptions.Section));
        services.AddHostedService<LogRetention>();
        services.AddAuthorization(options => options.AddPolicy(AuthClaims.ApiKeyOnlyPolicy, policy => policy
            .AddAuthenticationSchemes(TenantAuthentication.SchemeName)
            .RequireAuthenticatedUser()
            .RequireClaim(TenantClaims.ActorType, Actor.ApiKey)));
        return services;
    }
}

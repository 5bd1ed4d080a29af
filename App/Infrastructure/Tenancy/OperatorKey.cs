namespace App.Infrastructure.Tenancy;

/// <summary>
/// Guards the vendor's operator routes (/api/system/...) with <c>Operator:ApiKey</c>, sent as <c>X-Operator-Key</c>, or
/// with an operator session token the key was exchanged for (<c>Authorization: Bearer sbo.…</c>, what the operator
/// console in the browser holds instead of the key). Without a configured key those routes do not exist (404), so a
/// default install exposes no operator API.
/// </summary>
public sealed class OperatorKeyFilter(IConfiguration configuration) : IEndpointFilter
{
    public const string Header = "X-Operator-Key";

    /// <summary>The audit trail's actor for a request made with the key itself.</summary>
    public const string KeyActor = "operator";

    private const string IdentityItem = "operator-identity";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var configured = configuration["Operator:ApiKey"];
        if (string.IsNullOrEmpty(configured))
            return Api.Error(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No API endpoint matches this path.");

        var presented = http.Request.Headers[Header].FirstOrDefault();
        if (!string.IsNullOrEmpty(presented))
        {
            if (!ApiKeys.SecretsEqual(presented, configured))
                return Api.Error(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "The operator key is not valid.");
            http.Items[IdentityItem] = new OperatorIdentity(KeyActor, Session: null);
            return await next(context);
        }

        var authorization = http.Request.Headers.Authorization.FirstOrDefault();
        if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && http.RequestServices.GetService<IOperatorSessionReader>() is { } sessions)
        {
            var session = await sessions.ReadAsync(authorization["Bearer ".Length..].Trim(), http.RequestAborted);
            if (session is null)
                return Api.Error(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized,
                    "The operator session has expired or was signed out: sign in again with the operator key.");
            http.Items[IdentityItem] = new OperatorIdentity(session.Actor, session);
            return await next(context);
        }

        return Api.Error(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized,
            $"Send the operator key in the {Header} header, or an operator session token as 'Authorization: Bearer'.");
    }

    /// <summary>Who the operator request is, once this filter let it through; null otherwise.</summary>
    public static OperatorIdentity? IdentityOf(HttpContext context) => context.Items[IdentityItem] as OperatorIdentity;

    /// <summary>
    /// Whether the request comes from the operator: let through by this filter, or carrying the operator key (for code
    /// that runs outside the operator routes, such as /metrics and the audit trail of refused requests).
    /// </summary>
    public static bool IsOperator(HttpContext context, IConfiguration configuration)
    {
        if (IdentityOf(context) is not null) return true;
        var configured = configuration["Operator:ApiKey"];
        return !string.IsNullOrEmpty(configured)
            && ApiKeys.SecretsEqual(context.Request.Headers[Header].FirstOrDefault(), configured);
    }
}

/// <summary>The operator behind a request: <see cref="Actor"/> names it in the audit trail (never the key).</summary>
public sealed record OperatorIdentity(string Actor, OperatorSession? Session);

/// <summary>A valid operator session: its token id (for signing out), its actor name and when it ends.</summary>
public sealed record OperatorSession(string TokenId, string Actor, DateTimeOffset ExpiresAt);

/// <summary>Reads an operator session token; null when it is not one, is forged, expired, signed out or for an old key.</summary>
public interface IOperatorSessionReader
{
    Task<OperatorSession?> ReadAsync(string token, CancellationToken cancellationToken);
}

public static class OperatorApi
{
    public static bool IsConfigured(IConfiguration configuration) => !string.IsNullOrEmpty(configuration["Operator:ApiKey"]);

    /// <summary>
    /// A route group of the operator API: errors in the envelope, the operator key or session required. Null when no
    /// operator key is configured: then the routes are not mapped at all.
    /// </summary>
    public static RouteGroupBuilder? MapOperatorApi(this IEndpointRouteBuilder app, string prefix, string tag) =>
        IsConfigured(app.ServiceProvider.GetRequiredService<IConfiguration>())
            ? app.MapGroup(prefix)
                .WithErrorResponses()
                .WithTags(tag)
                .AddEndpointFilter<OperatorKeyFilter>()
                .Refuses(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized,
                    "no operator key or session token, a wrong key, or a session that expired or was signed out")
            : null;
}

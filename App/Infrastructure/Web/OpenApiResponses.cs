using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.RateLimiting;

namespace App.Infrastructure.Web;

/// <summary>
/// Declares what an endpoint answers, so /openapi/v1.json (and the clients generated from it) tell the truth: its
/// success envelope, and each refusal it really gives, with its status, error code and when.
/// </summary>
public static class OpenApiResponses
{
    public static RouteHandlerBuilder Returns<T>(this RouteHandlerBuilder builder, int status = StatusCodes.Status200OK) =>
        builder.Produces<Envelope<T>>(status);

    public static RouteHandlerBuilder ReturnsPage<T>(this RouteHandlerBuilder builder) =>
        builder.Produces<Envelope<IReadOnlyList<T>>>(StatusCodes.Status200OK);

    /// <summary>
    /// The refusals every /api endpoint can give (500), and those its own metadata implies once every convention has
    /// run: 401 when it needs a credential, 429 under the tenant rate limit; for a JSON body, 400 when it is not JSON (or
    /// is missing) and 415 when it is sent as something else.
    /// </summary>
    public static TBuilder WithErrorResponses<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Refuses(StatusCodes.Status500InternalServerError, ErrorCodes.InternalError, "an unexpected error; details carry the correlation id to quote");
        builder.Finally(endpoint =>
        {
            if (endpoint.Metadata.OfType<IAuthorizeData>().Any() && !endpoint.Metadata.OfType<IAllowAnonymous>().Any())
                Add(endpoint, new ResponseOutcome(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "no credential, or one that is invalid, expired or revoked"));
            if (endpoint.Metadata.OfType<EnableRateLimitingAttribute>().Any())
                Add(endpoint, new ResponseOutcome(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, "too many requests; retry after Retry-After seconds"));
            if (endpoint.Metadata.OfType<IAcceptsMetadata>().FirstOrDefault(a => a.ContentTypes.Contains("application/json")) is not { } body) return;
            Add(endpoint, new ResponseOutcome(StatusCodes.Status400BadRequest, ErrorCodes.InvalidJson, "the body is not valid JSON"));
            if (!body.IsOptional) Add(endpoint, new ResponseOutcome(StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, "the body is empty"));
            Add(endpoint, new ResponseOutcome(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType,
                $"the body is not sent as {string.Join(" or ", body.ContentTypes)}"));
        });
        return builder;
    }

    /// <summary>
    /// One refusal this endpoint really gives: its status and error code, and when. The OpenAPI document lists them in
    /// the description of that status, so that clients generated from it know which codes to handle where.
    /// </summary>
    public static TBuilder Refuses<TBuilder>(this TBuilder builder, int status, string code, string when) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint => Add(endpoint, new ResponseOutcome(status, code, when)));
        return builder;
    }

    /// <summary>404 NOT_FOUND: the path names one of the tenant's <paramref name="what"/> that does not exist (or is another tenant's).</summary>
    public static TBuilder RefusesMissing<TBuilder>(this TBuilder builder, string what) where TBuilder : IEndpointConventionBuilder =>
        builder.Refuses(StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"no {what} with this id");

    /// <summary>400 VALIDATION_ERROR for a query value that does not parse: one of <paramref name="parameters"/>, page or per_page.</summary>
    public static TBuilder RefusesBadQuery<TBuilder>(this TBuilder builder, string? parameters = null) where TBuilder : IEndpointConventionBuilder =>
        builder.Refuses(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError,
            $"{(parameters is null ? "" : parameters + ", ")}page or per_page has a value it does not take; details name it");

    /// <summary>
    /// An answer outside the envelope (Twilio's webhooks, metrics): its status, the content type of its body (none when
    /// null) and when it is given.
    /// </summary>
    public static TBuilder Answers<TBuilder>(this TBuilder builder, int status, string? contentType, string when) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            endpoint.Metadata.Add(new ResponseOutcome(status, null, when));
            endpoint.Metadata.Add(contentType is null
                ? new ProducesResponseTypeMetadata(status, typeof(void))
                : new ProducesResponseTypeMetadata(status, typeof(string), [contentType]));
        });
        return builder;
    }

    private static void Add(EndpointBuilder endpoint, ResponseOutcome outcome)
    {
        if (endpoint.Metadata.OfType<ResponseOutcome>().Contains(outcome)) return;
        endpoint.Metadata.Add(outcome);
        if (!endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Any(m => m.StatusCode == outcome.Status))
            endpoint.Metadata.Add(new ProducesResponseTypeMetadata(outcome.Status, typeof(ErrorEnvelope), ["application/json"]));
    }
}

/// <summary>
/// An outcome declared with <see cref="OpenApiResponses.Refuses"/> (with its error code) or
/// <see cref="OpenApiResponses.Answers"/>; the OpenAPI document describes each status with them.
/// </summary>
public sealed record ResponseOutcome(int Status, string? Code, string When);

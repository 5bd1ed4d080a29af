using Microsoft.AspNetCore.Http.Metadata;
namespace App.Infrastructure.Web;

/// <summary>Declares the envelope shapes an endpoint answers with, so /openapi/v1.json describes them.</summary>
public static class OpenApiResponses
{
    public static RouteHandlerBuilder Returns<T>(this RouteHandlerBuilder builder, int status = StatusCodes.Status200OK) =>
        builder.Produces<Envelope<T>>(status);

    public static RouteHandlerBuilder ReturnsPage<T>(this RouteHandlerBuilder builder) =>
        builder.Produces<Envelope<IReadOnlyList<T>>>(StatusCodes.Status200OK);

    /// <summary>The error envelope for the failures every /api endpoint can give.</summary>
    public static TBuilder WithErrorResponses<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in new[] { 400, 401, 403, 404, 429, 500 })
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ErrorEnvelope), ["application/json"]));
        return builder;
    }

    /// <summary>
    /// One refusal this endpoint really gives: its status and error code, and when. The OpenAPI document lists them in
    /// the description of that status, so that clients generated from it know which codes to handle where.
    /// </summary>
    public static TBuilder Refuses<TBuilder>(this TBuilder builder, int status, string code, string when) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            endpoint.Metadata.Add(new ErrorOutcome(status, code, when));
            if (!endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Any(m => m.StatusCode == status))
                endpoint.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ErrorEnvelope), ["application/json"]));
        });
        return builder;
    }
}

/// <summary>A refusal declared with <see cref="OpenApiResponses.Refuses"/>.</summary>
public sealed record ErrorOutcome(int Status, string Code, string When);

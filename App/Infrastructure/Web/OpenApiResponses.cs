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
}

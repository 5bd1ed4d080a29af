using Carter;
using Prometheus;

namespace App.Features.Ops;

/// <summary>/health for load balancers and /metrics for Prometheus (operator key required when one is configured).</summary>
public sealed class OpsModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        app.MapGet("/health", CheckHealthAsync)
            .WithTags("Ops")
            .WithSummary("Liveness and database check: 200 when the database answers, 503 when it does not.")
            .Produces<HealthReport>(StatusCodes.Status200OK)
            .Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable);

        app.MapMetrics("/metrics")
            .AddEndpointFilter(async (context, next) =>
            {
                var configuration = context.HttpContext.RequestServices.GetRequiredService<IConfiguration>();
                // Metrics:Port is a private port (Fly's scraper on the internal network): no key there.
                var onPrivatePort = configuration.GetValue<int?>("Metrics:Port") == context.HttpContext.Connection.LocalPort;
                if (!onPrivatePort && !string.IsNullOrEmpty(configuration["Operator:ApiKey"]) && !OperatorKeyFilter.IsOperator(context.HttpContext, configuration))
                    return Results.Text("operator key required\n", "text/plain", statusCode: StatusCodes.Status401Unauthorized);
                return await next(context);
            })
            .WithTags("Ops")
            .WithSummary("Prometheus metrics: request counts and latency by route and status (X-Operator-Key when configured, except on the private Metrics:Port).");
    }

    public sealed record HealthReport(string Status, IReadOnlyDictionary<string, string> Checks, DateTimeOffset Timestamp);

    private static async Task<IResult> CheckHealthAsync(Db db, ILogger<OpsModule> logger, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await db.OpenAsync(cancellationToken);
            var migrations = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations");
            return Results.Json(new HealthReport("healthy",
                new Dictionary<string, string> { ["database"] = $"ok ({migrations} migrations)" }, DateTimeOffset.UtcNow));
        }
        catch (Exception exception) when (exception is Microsoft.Data.Sqlite.SqliteException or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            logger.LogError(exception, "Health check failed");
            return Results.Json(new HealthReport("unhealthy",
                new Dictionary<string, string> { ["database"] = "unavailable" }, DateTimeOffset.UtcNow),
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}

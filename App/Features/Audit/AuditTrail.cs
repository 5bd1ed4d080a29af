namespace App.Features.Audit;

/// <summary>
/// Writes one audit_log row for every POST/PUT/PATCH/DELETE under /api — successes and failures alike (validation,
/// 401/403/404, 429, exceptions) — just before the response starts, when its status is known, so the row exists before
/// the client sees the answer. Who: the authenticated actor (API key prefix, user, embed token), "operator" on the
/// provisioning API, or "anonymous". Never a request body: only the changed field names and non-secret values that
/// handlers report through <see cref="AuditChanges"/>.
/// </summary>
public static class AuditTrail
{
    public const string ClientIdHeader = "X-Client-Id";
    public const int MaxClientIdLength = 100;

    /// <summary>After UseRouting (the endpoint is known), before UseAuthentication.</summary>
    public static void UseAudit(this WebApplication app)
    {
        var writer = app.Services.GetRequiredService<AuditWriter>();
        app.Use(async (context, next) =>
        {
            if (!IsAudited(context.Request))
            {
                await next(context);
                return;
            }

            var pending = new PendingEntry(context, context.GetEndpoint() as RouteEndpoint,
                new RouteValueDictionary(context.Request.RouteValues));
            context.Items[typeof(PendingEntry)] = pending;
            context.Response.OnStarting(() => pending.WrittenWithChange ? Task.CompletedTask : writer.WriteAsync(pending));
            try
            {
                await next(context);
            }
            catch (Exception exception)
            {
                pending.Exception = exception;
                throw;
            }
        });
    }

    public static bool IsAudited(HttpRequest request) =>
        request.Path.StartsWithSegments("/api")
        && (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method)
            || HttpMethods.IsPatch(request.Method) || HttpMethods.IsDelete(request.Method));

    internal sealed class PendingEntry(HttpContext context, RouteEndpoint? endpoint, RouteValueDictionary routeValues)
    {
        public HttpContext Context { get; } = context;
        public RouteEndpoint? Endpoint { get; } = endpoint;
        public RouteValueDictionary RouteValues { get; } = routeValues;
        public Exception? Exception { get; set; }

        /// <summary>The handler committed the row with its change (<see cref="AuditWriter.SuccessRow"/>).</summary>
        public bool WrittenWithChange { get; set; }
    }

    /// <summary>After the commit that included <see cref="AuditWriter.SuccessRow"/>'s row: nothing more to write.</summary>
    public static void MarkWrittenWithChange(HttpContext context)
    {
        if (context.Items[typeof(PendingEntry)] is PendingEntry pending) pending.WrittenWithChange = true;
    }
}

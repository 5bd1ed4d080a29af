using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using App.Infrastructure.Observability;
using Microsoft.Data.Sqlite;
using Microsoft.AspNetCore.Diagnostics;

namespace App.Features.Audit;

/// <summary>Builds and inserts the audit row; a failure to write is logged and never fails the request.</summary>
public sealed class AuditWriter(WriteBatcher writes, IConfiguration configuration, EndpointDataSource endpoints, ILogger<AuditWriter> logger)
{
    private HashSet<string>? _getPatterns;

    private const string InsertSql = """
        INSERT INTO audit_log (tenant_id, occurred_at, actor_type, actor, user_id, client_id, ip_address, user_agent, method, route,
                               action, entity_type, entity_id, outcome, status_code, changes)
        VALUES (@TenantId, @OccurredAt, @ActorType, @Actor, @UserId, @ClientId, @IpAddress, @UserAgent, @Method, @Route,
                @Action, @EntityType, @EntityId, @Outcome, @StatusCode, @Changes)
        """;

    internal async Task WriteAsync(AuditTrail.PendingEntry pending)
    {
        try
        {
            // Nobody's request to no route (a scanner probing paths) changes nothing and belongs to no tenant: not kept.
            if (pending.Endpoint is null && pending.Context.User.TenantIdOrNull() is null
                && !OperatorKeyFilter.IsOperator(pending.Context, configuration)) return;
            var row = Build(pending);
            await writes.WriteAsync((connection, transaction) => connection.ExecuteAsync(InsertSql, row, transaction));
        }
        catch (Exception exception) when (exception is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or JsonException)
        {
            logger.LogError(exception, "Could not write the audit row for {Method} {Path}",
                pending.Context.Request.Method, pending.Context.Request.Path.Value);
        }
    }

    /// <summary>The row this request will have when it succeeds, with the id of what it created.</summary>
    public sealed record Row
    {
        public string? TenantId { get; init; }
        public required string OccurredAt { get; init; }
        public required string ActorType { get; init; }
        public string? Actor { get; init; }
        public long? UserId { get; init; }
        public string? ClientId { get; init; }
        public string? IpAddress { get; init; }
        public string? UserAgent { get; init; }
        public required string Method { get; init; }
        public string? Route { get; init; }
        public required string Action { get; init; }
        public string? EntityType { get; init; }
        public string? EntityId { get; init; }
        public required string Outcome { get; init; }
        public int StatusCode { get; init; }
        public string? Changes { get; init; }
    }

    /// <summary>
    /// For a change written through the write batch (a send): its audit row, to insert with <see cref="InsertAsync"/>
    /// in the same unit, so that the change and its audit row commit together. Built before the unit is queued (the
    /// writer's time is the scarce one); null when the request is not audited.
    /// </summary>
    public Row? SuccessRow(HttpContext context) =>
        context.Items[typeof(AuditTrail.PendingEntry)] is AuditTrail.PendingEntry pending ? Build(pending) : null;

    public static Task InsertAsync(SqliteConnection connection, SqliteTransaction transaction, Row row)
    {
        PreparedStatements.Execute(connection, transaction, InsertSql, row);
        return Task.CompletedTask;
    }

    private Row Build(AuditTrail.PendingEntry pending)
    {
        var context = pending.Context;
        var note = AuditNote.Find(context);
        var status = StatusOf(context, pending.Exception);
        var success = status < 400;

        string action;
        string? entityType = null, entityId = null, route = null;
        if (pending.Endpoint is { } endpoint)
        {
            route = AuditRoutes.Display(endpoint.RoutePattern);
            var description = AuditRoutes.Describe(endpoint.RoutePattern, context.Request.Method,
                endpoint.Metadata.GetMetadata<AuditMetadata>(), HasGetSibling);
            action = description.Action;
            entityType = description.EntityType;
            if (description.EntityIdParameter is { } parameter) entityId = pending.RouteValues[parameter]?.ToString();
        }
        else
        {
            // No route took the request (wrong method 405, wrong content type 415, unknown path): keep the path, never the query.
            action = "unmatched";
            route = Logging.SecretRedaction.Redact(context.Request.Path.Value ?? "");
        }

        if (note?.EntityType is { } notedType) entityType = notedType;
        if (note?.EntityId is { } notedId) entityId = notedId;
        if (entityId is null && success && context.Response.Headers.Location.FirstOrDefault() is { Length: > 0 } location)
            entityId = location.TrimEnd('/').Split('/')[^1];

        var user = context.User;
        var tenantId = user.TenantIdOrNull() ?? note?.TenantId;
        string actorType;
        string? actor;
        long? userId = null;
        if (note?.ActorType is { } notedActorType)
        {
            actorType = notedActorType;
            actor = note.Actor;
            userId = note.UserId;
        }
        else if (context.Request.Path.StartsWithSegments("/api/system") && OperatorKeyFilter.IsOperator(context, configuration))
        {
            actorType = OperatorKeyFilter.KeyActor;
            actor = OperatorKeyFilter.IdentityOf(context)?.Actor ?? OperatorKeyFilter.KeyActor;
            // The provisioning API acts on one tenant: that tenant's trail shows what the vendor did to it.
            tenantId = entityType == "tenant" ? entityId : null;
        }
        else if (user.TenantIdOrNull() is not null)
        {
            actorType = user.FindFirstValue(TenantClaims.ActorType) ?? Actor.ApiKey;
            actor = user.FindFirstValue(TenantClaims.ActorName);
            userId = long.TryParse(user.FindFirstValue(TenantClaims.UserId), CultureInfo.InvariantCulture, out var id) ? id : null;
        }
        else
        {
            actorType = "anonymous";
            actor = null;
        }

        if (entityType == "tenant" && entityId is null) entityId = tenantId;

        var changes = success && note is { Changes.Count: > 0 }
            ? JsonSerializer.Serialize(note.Changes, Json.Options)
            : null;

        return new Row
        {
            TenantId = tenantId,
            OccurredAt = Db.Timestamp(DateTimeOffset.UtcNow),
            ActorType = actorType,
            Actor = Truncate(actor, 200),
            UserId = userId,
            ClientId = ClientId(context.Request),
            IpAddress = context.Connection.RemoteIpAddress?.ToString(),
            UserAgent = Truncate(context.Request.Headers.UserAgent.ToString(), 300),
            Method = context.Request.Method.ToUpperInvariant(),
            Route = route,
            Action = action,
            EntityType = entityType,
            EntityId = Truncate(entityId, 200),
            Outcome = success ? "success" : "failure",
            StatusCode = status,
            Changes = changes,
        };
    }

    /// <summary>The status the client will see: when a handler threw, the one the error middleware will answer with.</summary>
    private static int StatusOf(HttpContext context, Exception? thrown)
    {
        var exception = thrown ?? context.Features.Get<IExceptionHandlerFeature>()?.Error;
        if (exception is null || context.Response.StatusCode != StatusCodes.Status200OK) return context.Response.StatusCode;
        return exception switch
        {
            ApiException api => api.Status,
            BadHttpRequestException bad => bad.StatusCode,
            _ => StatusCodes.Status500InternalServerError,
        };
    }

    private bool HasGetSibling(string rawPattern)
    {
        _getPatterns ??= endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(HttpMethods.Get) == true)
            .Select(e => Normalise(e.RoutePattern.RawText))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return _getPatterns.Contains(Normalise(rawPattern));
    }

    private static string Normalise(string? pattern) => (pattern ?? "").TrimEnd('/');

    private static string? ClientId(HttpRequest request)
    {
        var value = request.Headers[AuditTrail.ClientIdHeader].FirstOrDefault();
        if (string.IsNullOrWhiteSpace(value)) return null;
        var clean = new string(value.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return Truncate(clean, AuditTrail.MaxClientIdLength);
    }

    private static string? Truncate(string? value, int max) =>
        string.IsNullOrEmpty(value) ? null : value.Length <= max ? value : value[..max];
}

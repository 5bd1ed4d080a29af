namespace App.Features.Audit;

/// <summary>
/// <c>HttpContext.Items</c> keys a handler sets to tell the audit trail what the route cannot: the id of what it
/// created or touched, its type, and (sign-in only) who acted. Field-level changes go through <see cref="AuditChanges"/>.
/// </summary>
public static class AuditItems
{
    /// <summary>The affected entity's id, e.g. the new communication_log id of a send (string or number).</summary>
    public const string EntityId = "audit.entity_id";

    /// <summary>The affected entity's type when the route does not name it, e.g. "communication".</summary>
    public const string EntityType = "audit.entity_type";

    /// <summary>Set by <see cref="AuditChanges.Record"/>: {field: {from, to}}.</summary>
    public const string Changes = "audit.changes";

    /// <summary>For anonymous routes that still belong to a tenant (sign-in).</summary>
    public const string TenantId = "audit.tenant_id";

    public const string ActorType = "audit.actor_type";
    public const string Actor = "audit.actor";
    public const string UserId = "audit.user_id";
}

/// <summary>Endpoint metadata naming the audit action (and entity type) instead of deriving them from the route.</summary>
public sealed record AuditMetadata(string Action, string? EntityType);

public static class AuditEndpointExtensions
{
    /// <summary>Names this endpoint's audit action, e.g. <c>.WithAuditAction("sms.send", "communication")</c>.</summary>
    public static TBuilder WithAuditAction<TBuilder>(this TBuilder builder, string action, string? entityType = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AuditMetadata(action, entityType));
}

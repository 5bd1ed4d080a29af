namespace App.Features.Audit;

/// <summary>
/// What a handler tells the audit trail that its route cannot: the id and type of what it created or touched, the
/// field-level changes (through <see cref="AuditChanges"/>), and, for sign-in, the tenant and who acted.
/// </summary>
public sealed class AuditNote
{
    /// <summary>The affected entity's id when the route does not carry it.</summary>
    public string? EntityId { get; set; }

    /// <summary>The affected entity's type when the route does not name it, e.g. "user" for a sign-in.</summary>
    public string? EntityType { get; set; }

    /// <summary>{field: {from, to}}, filled by <see cref="AuditChanges.Record"/>.</summary>
    public Dictionary<string, AuditChanges.Change> Changes { get; } = new(StringComparer.Ordinal);

    /// <summary>For anonymous routes that still belong to a tenant (sign-in).</summary>
    public string? TenantId { get; set; }

    /// <summary>Who acted, when the request's credential cannot say (sign-in): an <see cref="Actor"/> type, a name and the user's id.</summary>
    public string? ActorType { get; set; }

    public string? Actor { get; set; }

    public long? UserId { get; set; }

    /// <summary>This request's note, made on first use.</summary>
    public static AuditNote For(HttpContext http)
    {
        if (Find(http) is { } note) return note;
        note = new AuditNote();
        http.Items[typeof(AuditNote)] = note;
        return note;
    }

    /// <summary>This request's note, if a handler wrote one.</summary>
    public static AuditNote? Find(HttpContext http) => http.Items[typeof(AuditNote)] as AuditNote;
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

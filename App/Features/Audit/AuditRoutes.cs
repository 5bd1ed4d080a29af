using Microsoft.AspNetCore.Routing.Patterns;

namespace App.Features.Audit;

/// <summary>
/// Derives a mutating endpoint's audit action and entity type from its route pattern and method, unless the endpoint
/// names them with <see cref="AuditEndpointExtensions.WithAuditAction{TBuilder}"/>:
/// PUT /api/voice-messages/{id} → voice_messages.update (voice_message); DELETE → .delete;
/// POST /api/users → users.create (user) when a GET shares the path (a collection), otherwise the path is the verb:
/// POST /api/users/{id}/reset-password → users.reset_password, POST /api/auth/login → auth.login.
/// </summary>
public static class AuditRoutes
{
    public sealed record Description(string Action, string? EntityType, string? EntityIdParameter);

    public static Description Describe(RoutePattern pattern, string method, AuditMetadata? metadata, Func<string, bool> hasGetSibling)
    {
        var segments = pattern.PathSegments
            .Select(s => s.IsSimple && s.Parts[0] is RoutePatternLiteralPart literal ? Snake(literal.Content) : null)
            .ToList();
        if (segments.Count > 0 && segments[0] == "api") segments.RemoveAt(0);
        var literals = segments.Where(s => s is not null).Cast<string>().ToList();
        var firstParameter = segments.IndexOf(null);
        var idParameter = pattern.Parameters.FirstOrDefault(p => p.Name == "id")?.Name ?? (pattern.Parameters.Count > 0 ? pattern.Parameters[0].Name : null);
        var endsWithParameter = segments.Count > 0 && segments[^1] is null;

        string action;
        var isCreate = false;
        if (HttpMethods.IsPut(method) || HttpMethods.IsPatch(method)) action = Join(literals, "update");
        else if (HttpMethods.IsDelete(method)) action = Join(literals, "delete");
        else if (endsWithParameter || (firstParameter < 0 && hasGetSibling(pattern.RawText ?? "")))
        {
            action = Join(literals, "create");
            isCreate = true;
        }
        else action = Join(literals, null);

        string? entityType = null;
        if (firstParameter > 0 && segments[firstParameter - 1] is { } owner) entityType = Singular(owner);
        else if (isCreate && literals.Count > 0) entityType = Singular(literals[^1]);
        else if (literals.Count > 0) entityType = Singular(literals[0]);

        return new Description(metadata?.Action ?? action, metadata?.EntityType ?? entityType, idParameter);
    }

    /// <summary>The pattern as written, without a trailing slash: "/api/voice-messages/{id}".</summary>
    public static string Display(RoutePattern pattern) => (pattern.RawText ?? "").TrimEnd('/') is { Length: > 0 } text ? text : "/";

    private static string Join(List<string> literals, string? verb) =>
        string.Join('.', verb is null ? literals : [.. literals, verb]) is { Length: > 0 } joined ? joined : "api";

    private static string Snake(string segment) => segment.Replace('-', '_').ToLowerInvariant();

    public static string Singular(string word) => word switch
    {
        _ when word.EndsWith("ies", StringComparison.Ordinal) => word[..^3] + "y",
        _ when word.EndsWith("sses", StringComparison.Ordinal) => word[..^2],
        "sms" or "status" or "settings" => word,
        _ when word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) && !word.EndsWith("us", StringComparison.Ordinal) => word[..^1],
        _ => word,
    };
}

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace App.Features.Audit;

/// <summary>
/// Field-level changes for the audit row of an update: compares two snapshots by their snake_case JSON names (nested
/// objects as "settings.time_zone"), ignoring created_at/updated_at. A field named like a secret (token, secret,
/// password, api_key, hash) is recorded as changed, never with a value. One line in an update handler:
/// <code>AuditChanges.Record(http, before, after);</code>
/// </summary>
public static partial class AuditChanges
{
    public const string Hidden = "(secret)";
    public const string Changed = "(changed)";

    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal) { "created_at", "updated_at", "last_login_at" };

    public sealed record Change(JsonNode? From, JsonNode? To);

    public static void Record(HttpContext http, object? before, object? after)
    {
        var found = Compare(before, after);
        if (found.Count == 0) return;
        var note = AuditNote.For(http);
        foreach (var (field, change) in found) note.Changes[field] = change;
    }

    public static Dictionary<string, Change> Compare(object? before, object? after)
    {
        var changes = new Dictionary<string, Change>(StringComparer.Ordinal);
        Diff("", JsonSerializer.SerializeToNode(before, Json.Options), JsonSerializer.SerializeToNode(after, Json.Options), changes);
        return changes;
    }

    public static bool IsSecret(string field) => SecretName().IsMatch(field);

    private static void Diff(string path, JsonNode? before, JsonNode? after, Dictionary<string, Change> changes)
    {
        if (before is JsonObject beforeObject && after is JsonObject afterObject)
        {
            foreach (var name in beforeObject.Select(p => p.Key).Union(afterObject.Select(p => p.Key)))
            {
                if (Ignored.Contains(name)) continue;
                Diff(path.Length == 0 ? name : path + "." + name, beforeObject[name], afterObject[name], changes);
            }

            return;
        }

        if (JsonNode.DeepEquals(before, after) || path.Length == 0) return;
        changes[path] = IsSecret(path)
            ? new Change(JsonValue.Create(Hidden), JsonValue.Create(Changed))
            : new Change(before?.DeepClone(), after?.DeepClone());
    }

    [GeneratedRegex("token|secret|password|passwd|api_?key|hash", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();
}

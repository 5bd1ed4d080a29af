using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace App.Tests.Twilio;

/// <summary>
/// Reads Twilio's own OpenAPI description (<c>shared/twilio/twilio_api_v2010.json</c>, beside the repository) and checks
/// requests and record types against it. Every check returns the list of problems found; empty means conforming.
/// </summary>
public sealed class TwilioOpenApiSpec
{
    public const string RelativePath = "shared/twilio/twilio_api_v2010.json";

    /// <summary>
    /// Parameters whose enum the spec defines as a schema but does not reference from the request body.
    /// </summary>
    private static readonly Dictionary<string, string> UnlinkedEnums = new(StringComparer.Ordinal)
    {
        ["StatusCallbackEvent"] = "call_enum_event",
    };

    private static readonly Lazy<TwilioOpenApiSpec> Shared = new(() => new TwilioOpenApiSpec(File.ReadAllText(Locate())));

    private readonly JsonDocument _document;

    private TwilioOpenApiSpec(string json) => _document = JsonDocument.Parse(json);

    public static TwilioOpenApiSpec Instance => Shared.Value;

    public JsonElement Root => _document.RootElement;

    /// <summary>Walks up from the test binaries to the folder holding <c>shared/twilio/twilio_api_v2010.json</c>.</summary>
    public static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, RelativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"No {RelativePath} in any folder above {AppContext.BaseDirectory}.");
    }

    public JsonElement Schema(string name) => Root.GetProperty("components").GetProperty("schemas").GetProperty(name);

    /// <summary>The spec path template and operation matching a concrete request path, if any.</summary>
    public (string Template, JsonElement Operation)? FindOperation(HttpMethod method, string path)
    {
        foreach (var item in Root.GetProperty("paths").EnumerateObject())
        {
            if (!TemplateRegex(item.Name).IsMatch(path))
            {
                continue;
            }

            return item.Value.TryGetProperty(method.Method.ToLowerInvariant(), out var operation) ? (item.Name, operation) : null;
        }

        return null;
    }

    /// <summary>
    /// Checks one request: path and method exist; path parameters match their patterns; every query and form name is
    /// defined for the operation; required ones are present; only array parameters repeat; values fit enum, integer and
    /// boolean types.
    /// </summary>
    public IReadOnlyList<string> CheckRequest(
        HttpMethod method, Uri uri, IReadOnlyList<KeyValuePair<string, string>> query, IReadOnlyList<KeyValuePair<string, string>> form)
    {
        var problems = new List<string>();
        var path = uri.AbsolutePath;
        var found = FindOperation(method, path);
        if (found is null)
        {
            problems.Add($"No operation {method} {path} in the spec.");
            return problems;
        }

        var (template, operation) = found.Value;
        var parameters = operation.TryGetProperty("parameters", out var list) ? list.EnumerateArray().ToList() : [];

        var match = TemplateRegex(template).Match(path);
        foreach (var parameter in parameters.Where(p => p.GetProperty("in").GetString() == "path"))
        {
            var name = parameter.GetProperty("name").GetString()!;
            var value = Uri.UnescapeDataString(match.Groups[name].Value);
            problems.AddRange(CheckValue(name, value, Resolve(parameter.GetProperty("schema"))));
        }

        var queryParameters = parameters.Where(p => p.GetProperty("in").GetString() == "query")
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => Resolve(p.GetProperty("schema")), StringComparer.Ordinal);
        var requiredQuery = parameters.Where(p => p.GetProperty("in").GetString() == "query" && p.TryGetProperty("required", out var r) && r.GetBoolean())
            .Select(p => p.GetProperty("name").GetString()!);
        problems.AddRange(CheckParameters("query", query, queryParameters, requiredQuery));

        if (operation.TryGetProperty("requestBody", out var requestBody))
        {
            var schema = Resolve(requestBody.GetProperty("content").GetProperty("application/x-www-form-urlencoded").GetProperty("schema"));
            var properties = schema.GetProperty("properties").EnumerateObject()
                .ToDictionary(p => p.Name, p => Resolve(p.Value), StringComparer.Ordinal);
            var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()!) : [];
            problems.AddRange(CheckParameters("form", form, properties, required));
        }
        else if (form.Count > 0)
        {
            problems.Add($"{method} {template} takes no request body, but {form.Count} form fields were sent.");
        }

        return problems;
    }

    /// <summary>
    /// Checks that every JSON property a record reads exists in the spec schema, with a compatible type
    /// (string, integer, array, RFC 2822 date).
    /// </summary>
    public IReadOnlyList<string> CheckRecord(Type recordType, JsonElement schema)
    {
        var problems = new List<string>();
        var properties = Resolve(schema).GetProperty("properties");
        foreach (var property in recordType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<JsonIgnoreAttribute>() is not null)
            {
                continue;
            }

            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? property.Name;
            if (!properties.TryGetProperty(name, out var definition))
            {
                problems.Add($"{recordType.Name}.{property.Name} reads '{name}', which the spec schema does not define.");
                continue;
            }

            var resolved = Resolve(definition);
            var type = resolved.TryGetProperty("type", out var t) ? t.GetString() : null;
            var format = resolved.TryGetProperty("format", out var f) ? f.GetString() : null;
            var clr = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var compatible = (type, format) switch
            {
                ("string", "date-time-rfc-2822") => clr == typeof(DateTimeOffset),
                ("string", _) => clr == typeof(string),
                ("integer", _) => clr == typeof(int) || clr == typeof(long),
                ("array", _) => clr.IsArray || (clr.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(clr)),
                ("object", _) => !clr.IsPrimitive && clr != typeof(string),
                _ => false,
            };
            if (!compatible)
            {
                problems.Add($"{recordType.Name}.{property.Name} is {clr.Name} but '{name}' is {type}/{format} in the spec.");
            }
        }

        return problems;
    }

    /// <summary>The response schema of an operation for a status code.</summary>
    public JsonElement ResponseSchema(string template, string method, string status) =>
        Resolve(ResponseContent(template, method, status).GetProperty("schema"));

    /// <summary>Every example body the spec gives for an operation's response.</summary>
    public IReadOnlyList<(string Name, JsonElement Value)> ResponseExamples(string template, string method, string status) =>
        [.. ResponseContent(template, method, status).GetProperty("examples").EnumerateObject().Select(e => (e.Name, e.Value.GetProperty("value")))];

    private JsonElement ResponseContent(string template, string method, string status) =>
        Root.GetProperty("paths").GetProperty(template).GetProperty(method).GetProperty("responses").GetProperty(status)
            .GetProperty("content").GetProperty("application/json");

    private List<string> CheckParameters(
        string where,
        IReadOnlyList<KeyValuePair<string, string>> sent,
        Dictionary<string, JsonElement> defined,
        IEnumerable<string> required)
    {
        var problems = new List<string>();
        foreach (var group in sent.GroupBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!defined.TryGetValue(group.Key, out var schema))
            {
                problems.Add($"Unknown {where} parameter '{group.Key}'.");
                continue;
            }

            var isArray = schema.TryGetProperty("type", out var type) && type.GetString() == "array";
            if (group.Count() > 1 && !isArray)
            {
                problems.Add($"{where} parameter '{group.Key}' is repeated but is not an array.");
            }

            var itemSchema = isArray ? Resolve(schema.GetProperty("items")) : schema;
            foreach (var pair in group)
            {
                problems.AddRange(CheckValue(group.Key, pair.Value, itemSchema));
            }
        }

        foreach (var name in required.Where(name => sent.All(p => p.Key != name)))
        {
            problems.Add($"Required {where} parameter '{name}' is missing.");
        }

        return problems;
    }

    private IEnumerable<string> CheckValue(string name, string value, JsonElement schema)
    {
        var allowed = Enum(schema) ?? (UnlinkedEnums.TryGetValue(name, out var enumName) ? Enum(Schema(enumName)) : null);
        if (allowed is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            yield return $"'{value}' is not an allowed value of '{name}' ({string.Join(", ", allowed)}).";
        }

        var type = schema.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (type == "integer" && !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            yield return $"'{name}' must be an integer, not '{value}'.";
        }

        if (type == "boolean" && value is not "true" and not "false")
        {
            yield return $"'{name}' must be true or false, not '{value}'.";
        }

        if (schema.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(value, pattern.GetString()!))
        {
            yield return $"'{name}' value '{value}' does not match {pattern.GetString()}.";
        }
    }

    private List<string>? Enum(JsonElement schema)
    {
        var resolved = Resolve(schema);
        return resolved.TryGetProperty("enum", out var values) ? [.. values.EnumerateArray().Select(v => v.GetString()!)] : null;
    }

    private JsonElement Resolve(JsonElement schema)
    {
        while (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference))
        {
            var parts = reference.GetString()!.TrimStart('#', '/').Split('/');
            var target = Root;
            foreach (var part in parts)
            {
                target = target.GetProperty(part);
            }

            schema = target;
        }

        return schema;
    }

    private static Regex TemplateRegex(string template) =>
        new("^" + Regex.Replace(Regex.Escape(template), @"\\\{(\w+)}", "(?<$1>[^/]+)") + "$");
}

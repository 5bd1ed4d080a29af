using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace App.Infrastructure.Web;

/// <summary>
/// The answer to a JSON body that could not be read into the endpoint's request type. A body that does not parse
/// (syntax error, cut short, not UTF-8) is 400 INVALID_JSON. A body that parses but holds a value of the wrong type
/// for a field is 400 VALIDATION_ERROR with a <c>details</c> entry for that field ("must be a string", ...), like
/// any other validation failure. One place for both the endpoints' own body binding (see <see cref="ErrorHandling"/>)
/// and <see cref="RequestBody"/>.
/// </summary>
public static class JsonBodyErrors
{
    public static ApiException From(JsonException error, Type? bodyType, JsonSerializerOptions options)
    {
        // The serializer wraps the reader's own exception (a JsonException subtype) for syntax errors; a value of the
        // wrong type is reported by the serializer itself or wraps a converter's InvalidOperationException/FormatException.
        if (error.InnerException is JsonException)
        {
            return new ApiException(400, ErrorCodes.InvalidJson, "The request body is not valid JSON.",
                new Dictionary<string, object?> { ["path"] = error.Path, ["line"] = error.LineNumber });
        }

        var (field, expected) = Describe(error.Path, bodyType, options);
        var message = field == "body" ? $"The request body {expected}." : $"'{field}' {expected}.";
        return new ApiException(400, ErrorCodes.ValidationError, message, new Dictionary<string, string[]> { [field] = [expected] });
    }

    /// <summary>The snake_case field a serializer path (<c>$.settings.allowed_embed_origins[1]</c>) names, and what it must be.</summary>
    public static (string Field, string Expected) Describe(string? path, Type? bodyType, JsonSerializerOptions options)
    {
        var field = new StringBuilder();
        var info = bodyType is null ? null : options.GetTypeInfo(bodyType);
        JsonPropertyInfo? property = null;
        foreach (var segment in Segments(path))
        {
            if (segment.Index is { } index)
            {
                field.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
                info = info?.Kind == JsonTypeInfoKind.Enumerable ? options.GetTypeInfo(info.ElementType!) : null;
                property = null;
                continue;
            }

            if (field.Length > 0) field.Append('.');
            switch (info?.Kind)
            {
                case JsonTypeInfoKind.Object:
                    property = info.Properties.FirstOrDefault(p => string.Equals(p.Name, segment.Name, StringComparison.OrdinalIgnoreCase));
                    field.Append(property?.Name ?? segment.Name);
                    info = property is null ? null : options.GetTypeInfo(property.PropertyType);
                    break;
                case JsonTypeInfoKind.Dictionary:
                    field.Append(segment.Name);
                    info = options.GetTypeInfo(info.ElementType!);
                    property = null;
                    break;
                default:
                    field.Append(segment.Name);
                    info = null;
                    property = null;
                    break;
            }
        }

        var expected = property?.CustomConverter is IDescribedJsonConverter described ? described.Expected
            : info is null ? "has the wrong type"
            : Expected(info);
        return (field.Length == 0 ? "body" : field.ToString(), expected);
    }

    private static string Expected(JsonTypeInfo info)
    {
        if (info.Converter is IDescribedJsonConverter described) return described.Expected;
        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        if (type == typeof(string)) return "must be a string";
        if (type == typeof(bool)) return "must be true or false";
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime)) return "must be an ISO-8601 date/time such as 2026-01-31T09:30:00Z";
        if (type == typeof(DateOnly)) return "must be an ISO-8601 date such as 2026-01-31";
        if (type.IsEnum) return "must be one of: " + string.Join(", ", Enum.GetNames(type).Select(JsonNamingPolicy.SnakeCaseLower.ConvertName));
        if (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte)
            || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(sbyte))
            return "must be a whole number";
        if (type == typeof(decimal) || type == typeof(double) || type == typeof(float)) return "must be a number";
        return info.Kind switch
        {
            JsonTypeInfoKind.Enumerable => "must be an array",
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "must be an object",
            _ => "has the wrong type",
        };
    }

    private readonly record struct Segment(string Name, int? Index);

    /// <summary>Reads the serializer's path syntax: <c>$</c>, then <c>.name</c>, <c>['name']</c> or <c>[index]</c>.</summary>
    private static List<Segment> Segments(string? path)
    {
        var segments = new List<Segment>();
        if (string.IsNullOrEmpty(path)) return segments;
        var i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                if (end < 0) end = path.Length;
                segments.Add(new Segment(path[(i + 1)..end], null));
                i = end;
            }
            else if (path[i] == '[' && i + 1 < path.Length && path[i + 1] == '\'')
            {
                var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0) break;
                segments.Add(new Segment(path[(i + 2)..end], null));
                i = end + 2;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i + 1);
                if (end < 0 || !int.TryParse(path.AsSpan(i + 1, end - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index)) break;
                segments.Add(new Segment("", index));
                i = end + 1;
            }
            else
            {
                break;
            }
        }

        return segments;
    }
}

/// <summary>A converter that accepts more than one JSON shape says which, for the error a mismatch gets.</summary>
public interface IDescribedJsonConverter
{
    /// <summary>E.g. "must be an array of strings or a comma-separated string".</summary>
    string Expected { get; }
}

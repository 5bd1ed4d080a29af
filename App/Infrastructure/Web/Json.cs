using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace App.Infrastructure.Web;

public static class Json
{
    /// <summary>The API's JSON: snake_case names, UTC timestamps with Z (see docs/decisions.md, "API contract").</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.PropertyNameCaseInsensitive = true;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.NumberHandling = JsonNumberHandling.AllowReadingFromString;
        options.Converters.Add(new UtcTimestampConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
    }

    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        return options;
    }

    private sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
    {
        // A string that is not a date/time is the client's mistake, answered as a validation error rather than a 500.
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
                ? value
                : throw new JsonException("Not an ISO-8601 date/time.");

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// A list of strings that also accepts one comma-separated string (<c>"a,b"</c> reads as <c>["a","b"]</c>), for fields
/// such as <c>tag_list</c> whose column is comma-separated text. Written as an array.
/// </summary>
public sealed class CommaSeparatedListConverter : JsonConverter<IReadOnlyList<string>>, IDescribedJsonConverter
{
    public string Expected => "must be an array of strings or a comma-separated string";

    public override IReadOnlyList<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String) return reader.GetString()!.Split(',');
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException(Expected);

        var items = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String) throw new JsonException(Expected);
            items.Add(reader.GetString()!);
        }

        return items;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var item in value) writer.WriteStringValue(item);
        writer.WriteEndArray();
    }
}

/// <summary>
/// An object of text values that also takes numbers and true/false as the text they are written as
/// (<c>{"amount": 42.50}</c> reads as <c>"42.50"</c>): template variables are text, and a JSON client naturally
/// sends a count or an amount as a number. Nested objects and arrays are refused.
/// </summary>
public sealed class TextValuesConverter : JsonConverter<Dictionary<string, string>>, IDescribedJsonConverter
{
    public string Expected => "must be an object whose values are text, numbers or true/false";

    public override Dictionary<string, string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException(Expected);

        var values = new Dictionary<string, string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            // null is no value at all: the send then names the variable as missing.
            if (reader.TokenType == JsonTokenType.Null) continue;
            values[name] = reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString()!,
                JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan),
                JsonTokenType.True => "true",
                JsonTokenType.False => "false",
                _ => throw new JsonException(Expected),
            };
        }

        return values;
    }

    public override void Write(Utf8JsonWriter writer, Dictionary<string, string> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (name, text) in value) writer.WriteString(name, text);
        writer.WriteEndObject();
    }
}

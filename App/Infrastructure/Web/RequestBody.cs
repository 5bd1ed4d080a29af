using System.Text.Json;
using System.Text.Json.Nodes;

namespace App.Infrastructure.Web;

/// <summary>
/// Reads a request body that may be JSON or, for the send endpoints, application/x-www-form-urlencoded
/// (simple for Delphi's THTTPClient; see docs/decisions.md, "API contract"). Form fields use the JSON names; a dictionary field is sent as
/// <c>variables[first_name]=Ann</c> or <c>variables.first_name=Ann</c>.
/// </summary>
public static class RequestBody
{
    public static async Task<T> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken) where T : class
    {
        if (request.HasJsonContentType())
        {
            try
            {
                return await JsonSerializer.DeserializeAsync<T>(request.Body, Json.Options, cancellationToken)
                    ?? throw new ApiException(400, ErrorCodes.BadRequest, "The request body is empty.");
            }
            catch (JsonException error)
            {
                throw JsonBodyErrors.From(error, typeof(T), Json.Options);
            }
        }

        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            var json = new JsonObject();
            foreach (var (name, values) in form)
            {
                var value = values.ToString();
                var (parent, child) = SplitNested(name);
                if (child is null)
                {
                    json[name] = value;
                    continue;
                }

                if (json[parent] is not JsonObject nested) json[parent] = nested = new JsonObject();
                nested[child] = value;
            }

            try
            {
                return json.Deserialize<T>(Json.Options) ?? throw new ApiException(400, ErrorCodes.BadRequest, "The request body is empty.");
            }
            catch (JsonException error)
            {
                throw JsonBodyErrors.From(error, typeof(T), Json.Options);
            }
        }

        throw new ApiException(415, ErrorCodes.UnsupportedMediaType,
            "Send the body as application/json or application/x-www-form-urlencoded.");
    }

    private static (string Parent, string? Child) SplitNested(string name)
    {
        var bracket = name.IndexOf('[', StringComparison.Ordinal);
        if (bracket > 0 && name.EndsWith(']')) return (name[..bracket], name[(bracket + 1)..^1]);
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? (name[..dot], name[(dot + 1)..]) : (name, null);
    }
}

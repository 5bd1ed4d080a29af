using System.Text.Json;
using System.Text.RegularExpressions;
using App.Infrastructure.Observability;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;

namespace App.Infrastructure.Web;

/// <summary>
/// Turns every failure under /api into the error envelope: expected errors (<see cref="ApiException"/>),
/// malformed requests (bad JSON, wrong content type, bad route/query values), unknown routes and wrong methods,
/// and unhandled exceptions (500 with a correlation id, recorded in error_log, no internals in the body).
/// </summary>
public static partial class ErrorHandling
{
    public static bool IsApiRequest(HttpContext context) => context.Request.Path.StartsWithSegments("/api");

    public static void UseApiErrorHandling(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = _ => StatusCodes.Status500InternalServerError,
            ExceptionHandler = HandleExceptionAsync,
            // A client's mistake (bad body, expected refusal) is answered, not an error of ours worth a stack trace.
            SuppressDiagnosticsCallback = diagnostics => diagnostics.Exception is ApiException or BadHttpRequestException,
        });

        app.UseStatusCodePages(async statusContext =>
        {
            var context = statusContext.HttpContext;
            if (!IsApiRequest(context)) return;
            var (code, message) = context.Response.StatusCode switch
            {
                404 => (ErrorCodes.NotFound, "No API endpoint matches this path."),
                405 => (ErrorCodes.MethodNotAllowed, $"The method {context.Request.Method} is not allowed on this endpoint."),
                415 => (ErrorCodes.UnsupportedMediaType, "The request's content type is not supported here."),
                401 => (ErrorCodes.Unauthorized, "Authentication is required."),
                403 => (ErrorCodes.Forbidden, "You do not have permission to do this."),
                413 => (ErrorCodes.PayloadTooLarge, "The request body is too large."),
                429 => (ErrorCodes.RateLimited, "Too many requests."),
                var other => (other >= 500 ? ErrorCodes.InternalError : ErrorCodes.BadRequest, "The request could not be processed."),
            };
            if (context.Response.StatusCode == 400 && UnparsableQueryValue(context) is { } failure)
            {
                await Api.Error(400, ErrorCodes.ValidationError, $"'{failure.Field}' {failure.Expected}.",
                    new Dictionary<string, string[]> { [failure.Field] = [failure.Expected] }).ExecuteAsync(context);
                return;
            }

            await Api.Error(context.Response.StatusCode, code, message).ExecuteAsync(context);
        });
    }

    private static async Task HandleExceptionAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var result = exception switch
        {
            ApiException api => Api.Error(api.Status, api.Code, api.Message, api.Details),
            BadHttpRequestException bad => FromBadRequest(context, bad),
            _ => null,
        };

        if (result is null)
        {
            var correlationId = context.TraceIdentifier;
            await context.RequestServices.GetRequiredService<ErrorLog>().RecordAsync(context, exception, correlationId);
            result = Api.Error(StatusCodes.Status500InternalServerError, ErrorCodes.InternalError,
                "An unexpected error occurred. Quote the correlation id when reporting it.",
                new Dictionary<string, string> { ["correlation_id"] = correlationId });
        }

        if (!IsApiRequest(context) && exception is not ApiException && exception is not BadHttpRequestException)
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        // The exception handler re-executes with a fresh response; make sure status code pages do not rewrite it.
        context.Features.Get<IStatusCodePagesFeature>()?.Enabled = false;
        await result.ExecuteAsync(context);
    }

    private static IResult FromBadRequest(HttpContext context, BadHttpRequestException bad)
    {
        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return Api.Error(415, ErrorCodes.UnsupportedMediaType, "The request's content type is not supported here; send application/json.");
        }

        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge) return Api.Error(413, ErrorCodes.PayloadTooLarge, "The request body is too large.");

        if (bad.InnerException is JsonException json)
        {
            var endpoint = context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
            var bodyType = endpoint?.Metadata.OfType<IAcceptsMetadata>().Select(m => m.RequestType).LastOrDefault(t => t is not null);
            var error = JsonBodyErrors.From(json, bodyType, Json.Options);
            return Api.Error(error.Status, error.Code, error.Message, error.Details);
        }

        if (bad.Message.Contains("no body was provided", StringComparison.Ordinal))
        {
            return Api.Error(400, ErrorCodes.BadRequest, "The request body is empty: send a JSON object.");
        }

        if (QueryBindingFailure(context, bad.Message) is { } failure)
        {
            return Api.Error(400, ErrorCodes.ValidationError, $"'{failure.Field}' {failure.Expected}.",
                new Dictionary<string, string[]> { [failure.Field] = [failure.Expected] });
        }

        return Api.Error(bad.StatusCode, ErrorCodes.BadRequest, Sanitise(bad.Message));
    }

    /// <summary>
    /// A query parameter whose value does not convert (<c>?page=abc</c>, <c>?from=yesterday</c>) is a validation error
    /// on that parameter. ASP.NET reports it as <c>Failed to bind parameter "Nullable&lt;int&gt; page" from "abc".</c>; route values
    /// that do not convert stay a plain 400.
    /// </summary>
    private static (string Field, string Expected)? QueryBindingFailure(HttpContext context, string message)
    {
        var match = BindingFailure().Match(message);
        if (!match.Success) return null;
        var name = match.Groups["name"].Value;
        var field = context.Request.Query.Keys.FirstOrDefault(key =>
            string.Equals(key, name, StringComparison.OrdinalIgnoreCase)
            || string.Equals(key, Validation.ToSnakeCase(name), StringComparison.OrdinalIgnoreCase));
        if (field is null) return null;
        var type = match.Groups["type"].Value;
        if (type.StartsWith("Nullable<", StringComparison.Ordinal)) type = type["Nullable<".Length..^1];
        return (Validation.ToSnakeCase(field), Expected(type.TrimEnd('?')));
    }

    /// <summary>
    /// The same failure on an endpoint compiled by the request delegate generator: for an optional query value that
    /// does not convert it answers a bare 400 without saying which (see App.csproj). The endpoint's binding metadata
    /// names its parameters, so the first query value that does not convert to its parameter's type is the culprit.
    /// </summary>
    private static (string Field, string Expected)? UnparsableQueryValue(HttpContext context)
    {
        foreach (var parameter in context.GetEndpoint()?.Metadata.OfType<IParameterBindingMetadata>() ?? [])
        {
            if (!parameter.HasTryParse) continue;
            var field = context.Request.Query.Keys.FirstOrDefault(key =>
                string.Equals(key, parameter.Name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(key, Validation.ToSnakeCase(parameter.Name), StringComparison.OrdinalIgnoreCase));
            if (field is null || context.Request.Query[field].ToString() is not { Length: > 0 } value) continue;
            var type = Nullable.GetUnderlyingType(parameter.ParameterInfo.ParameterType) ?? parameter.ParameterInfo.ParameterType;
            var tryParse = type.GetMethod("TryParse", [typeof(string), typeof(IFormatProvider), type.MakeByRefType()]);
            if (tryParse is null) continue;
            object?[] arguments = [value, System.Globalization.CultureInfo.InvariantCulture, null];
            if (tryParse.Invoke(null, arguments) is false) return (Validation.ToSnakeCase(field), Expected(type.Name));
        }

        return null;
    }

    /// <param name="typeName">A C# keyword (<c>int</c>) or the type's own name (<c>Int32</c>, <c>DateOnly</c>).</param>
    private static string Expected(string typeName) => typeName switch
    {
        "int" or "long" or "short" or "byte" or "uint" or "ulong" or "Int32" or "Int64" or "Int16" or "Byte" or "UInt32" or "UInt64"
            => "must be a whole number",
        "decimal" or "double" or "float" or "Decimal" or "Double" or "Single" => "must be a number",
        "bool" or "Boolean" => "must be true or false",
        "DateOnly" => "must be an ISO-8601 date such as 2026-01-31",
        "DateTimeOffset" or "DateTime" => "must be an ISO-8601 date/time such as 2026-01-31T09:30:00Z",
        _ => "has the wrong type",
    };

    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^"]+) (?<name>[^" ]+)" from ".*"\.$""", RegexOptions.Singleline)]
    private static partial Regex BindingFailure();

    // ASP.NET's binding messages name the parameter and the expected type; they never contain the value, which is safe to show.
    private static string Sanitise(string message) =>
        message.Replace("\"", "'", StringComparison.Ordinal);
}

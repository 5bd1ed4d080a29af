using System.Text.Json;
using App.Infrastructure.Observability;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;

namespace App.Infrastructure.Web;

/// <summary>
/// Turns every failure under /api into the error envelope: expected errors (<see cref="ApiException"/>),
/// malformed requests (bad JSON, wrong content type, bad route/query values), unknown routes and wrong methods,
/// and unhandled exceptions (500 with a correlation id, recorded in error_log, no internals in the body).
/// </summary>
public static class ErrorHandling
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
            if (context.Response.StatusCode == 400 && UnparsableQueryValue(context, context.GetEndpoint()) is { } failure)
            {
                await failure.ExecuteAsync(context);
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

        if (bad.StatusCode == 400 && UnparsableQueryValue(context, context.Features.Get<IExceptionHandlerFeature>()?.Endpoint) is { } failure)
            return failure;

        return Api.Error(bad.StatusCode, ErrorCodes.BadRequest, Sanitise(bad.Message));
    }

    /// <summary>
    /// A query parameter whose value does not convert (<c>?page=abc</c>, <c>?from=yesterday</c>) is a validation error
    /// on that parameter; route values that do not convert stay a plain 400. ASP.NET reports the failure either as an
    /// exception (a required parameter) or as a bare 400 (an optional one, from the request delegate generator), naming
    /// the parameter only in a message. The endpoint's binding metadata names its parameters and their types, so the
    /// first query value that does not convert to its parameter's type is the culprit, whichever way it was reported.
    /// </summary>
    private static IResult? UnparsableQueryValue(HttpContext context, Endpoint? endpoint)
    {
        foreach (var parameter in endpoint?.Metadata.OfType<IParameterBindingMetadata>() ?? [])
        {
            if (!parameter.HasTryParse) continue;
            var field = context.Request.Query.Keys.FirstOrDefault(key =>
                string.Equals(key, parameter.Name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(key, Validation.ToSnakeCase(parameter.Name), StringComparison.OrdinalIgnoreCase));
            if (field is null || context.Request.Query[field].ToString() is not { Length: > 0 } value) continue;
            var type = Nullable.GetUnderlyingType(parameter.ParameterInfo.ParameterType) ?? parameter.ParameterInfo.ParameterType;
            if (!type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IParsable<>))) continue;
            if (ParsesMethod.MakeGenericMethod(type).Invoke(null, [value]) is not false) continue;

            var name = Validation.ToSnakeCase(field);
            var expected = Expected(type);
            return Api.Error(400, ErrorCodes.ValidationError, $"'{name}' {expected}.", new Dictionary<string, string[]> { [name] = [expected] });
        }

        return null;
    }

    private static readonly System.Reflection.MethodInfo ParsesMethod =
        typeof(ErrorHandling).GetMethod(nameof(Parses), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;

    /// <summary>What ASP.NET itself does with a query value for a parsable parameter.</summary>
    private static bool Parses<T>(string value) where T : IParsable<T> =>
        T.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out _);

    private static string Expected(Type type) => Type.GetTypeCode(type) switch
    {
        TypeCode.Int16 or TypeCode.Int32 or TypeCode.Int64 or TypeCode.Byte or TypeCode.UInt16 or TypeCode.UInt32 or TypeCode.UInt64
            => "must be a whole number",
        TypeCode.Decimal or TypeCode.Double or TypeCode.Single => "must be a number",
        TypeCode.Boolean => "must be true or false",
        _ when type == typeof(DateOnly) => "must be an ISO-8601 date such as 2026-01-31",
        _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "must be an ISO-8601 date/time such as 2026-01-31T09:30:00Z",
        _ => "has the wrong type",
    };

    // ASP.NET's binding messages name the parameter and the expected type; they never contain the value, which is safe to show.
    private static string Sanitise(string message) =>
        message.Replace("\"", "'", StringComparison.Ordinal);
}

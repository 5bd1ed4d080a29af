using System.Text.Json;
using App.Infrastructure.Observability;
using App.Infrastructure.Tenancy;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

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
            await Api.Error(context.Response.StatusCode, code, message).ExecuteAsync(context);
        });
    }

    private static async Task HandleExceptionAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var result = exception switch
        {
            ApiException api => Api.Error(api.Status, api.Code, api.Message, api.Details),
            BadHttpRequestException bad => FromBadRequest(bad),
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

    private static IResult FromBadRequest(BadHttpRequestException bad)
    {
        var json = bad.InnerException as JsonException;
        return bad.StatusCode switch
        {
            StatusCodes.Status415UnsupportedMediaType => Api.Error(415, ErrorCodes.UnsupportedMediaType,
                "The request's content type is not supported here; send application/json."),
            StatusCodes.Status413PayloadTooLarge => Api.Error(413, ErrorCodes.PayloadTooLarge, "The request body is too large."),
            _ when json is not null => Api.Error(400, ErrorCodes.InvalidJson, "The request body is not valid JSON.",
                new Dictionary<string, object?> { ["path"] = json.Path, ["line"] = json.LineNumber }),
            _ => Api.Error(bad.StatusCode, ErrorCodes.BadRequest, Sanitise(bad.Message)),
        };
    }

    // ASP.NET's binding messages name the parameter and the expected type; they never contain the value, which is safe to show.
    private static string Sanitise(string message) =>
        message.Replace("\"", "'", StringComparison.Ordinal);
}

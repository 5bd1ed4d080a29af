using System.Text.Json;

namespace App.Infrastructure.Observability;

/// <summary>Writes unexpected failures to the error_log table, never secrets.</summary>
public sealed class ErrorLog(Db db, ILogger<ErrorLog> logger)
{
    public async Task RecordAsync(HttpContext context, Exception? exception, string correlationId)
    {
        logger.LogError(exception, "Unhandled exception {CorrelationId} on {Method} {Path}",
            correlationId, context.Request.Method, context.Request.Path.Value);
        var details = JsonSerializer.Serialize(new
        {
            exception_type = exception?.GetType().FullName,
            stack_trace = exception?.ToString(),
            method = context.Request.Method,
            path = context.Request.Path.Value,
        });
        await RecordAsync(
            tenantId: context.User.TenantIdOrNull(),
            errorType: "api",
            message: exception?.Message ?? "Unknown error",
            detailsJson: details,
            endpoint: context.GetEndpoint()?.DisplayName ?? $"{context.Request.Method} {context.Request.Path.Value}",
            userAgent: context.Request.Headers.UserAgent.ToString(),
            ipAddress: context.Connection.RemoteIpAddress?.ToString(),
            correlationId: correlationId);
    }

    public async Task RecordAsync(string? tenantId, string errorType, string message, string? detailsJson,
        string? endpoint = null, string? userAgent = null, string? ipAddress = null, string? correlationId = null)
    {
        try
        {
            await using var connection = await db.OpenAsync();
            await connection.ExecuteAsync("""
                INSERT INTO error_log (tenant_id, error_type, error_message, error_details, endpoint, user_agent, ip_address, correlation_id)
                VALUES (@TenantId, @ErrorType, @Message, @Details, @Endpoint, @UserAgent, @IpAddress, @CorrelationId)
                """,
                new { TenantId = tenantId, ErrorType = errorType, Message = message, Details = detailsJson, Endpoint = endpoint, UserAgent = userAgent, IpAddress = ipAddress, CorrelationId = correlationId });
        }
        catch (Exception writeFailure) when (writeFailure is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
        {
            // The error log must never turn one failure into two; the console log still has it.
            logger.LogError(writeFailure, "Could not write to error_log");
        }
    }
}

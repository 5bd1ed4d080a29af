using App.Infrastructure.Hosting;
using Carter;

namespace App.Features.Audit;

/// <summary>/api/audit and /api/errors — what was done in this tenant, by whom, and what went wrong. Read-only.</summary>
public sealed class AuditModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/api/audit")
            .WithErrorResponses()
            .WithTags("Audit")
            .RequireAuthorization()
            .RequireRateLimiting(RateLimits.TenantPolicy)
            .RequirePermission(Permissions.ViewLogs);

        audit.MapGet("/", ListAudit.Handle).ReturnsPage<ListAudit.Entry>()
            .WithSummary("Every state-changing request, newest first; filters actor, action, entity (type or type:id), outcome, date_from, date_to.");
        audit.MapGet("/{id:long}", GetAuditEntry.Handle).Returns<ListAudit.Entry>()
            .WithSummary("One audit row. Audit rows cannot be changed or deleted.");

        app.MapGet("/api/errors", ListErrors.Handle).ReturnsPage<ListErrors.Item>().WithErrorResponses()
            .WithTags("Audit")
            .RequireAuthorization()
            .RequireRateLimiting(RateLimits.TenantPolicy)
            .RequirePermission(Permissions.ViewLogs)
            .WithSummary("Server-side errors recorded for this tenant (type, message, endpoint, time), newest first.");
    }
}

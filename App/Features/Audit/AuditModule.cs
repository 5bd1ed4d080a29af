using App.Infrastructure.Hosting;
using Carter;

namespace App.Features.Audit;

/// <summary>/api/audit and /api/errors — what was done in this tenant, by whom, and what went wrong. Read-only.</summary>
public sealed class AuditModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var audit = app.MapTenantApi("/api/audit", "Audit").RequirePermission(Permissions.ViewLogs);

        audit.MapGet("/", ListAudit.Handle).ReturnsPage<ListAudit.Entry>()
            .RefusesBadQuery("outcome, date_from, date_to")
            .WithSummary("Every state-changing request, newest first; filters actor, action, entity (type or type:id), outcome, date_from, date_to.");
        audit.MapGet("/{id:long}", GetAuditEntry.Handle).Returns<ListAudit.Entry>()
            .RefusesMissing("audit entry")
            .WithSummary("One audit row. Audit rows cannot be changed or deleted.");

        app.MapTenantApi("/api/errors", "Audit").RequirePermission(Permissions.ViewLogs)
            .MapGet("", ListErrors.Handle).ReturnsPage<ListErrors.Item>()
            .RefusesBadQuery()
            .WithSummary("Server-side errors recorded for this tenant (type, message, endpoint, time), newest first.");
    }
}

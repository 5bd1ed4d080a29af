using App.Infrastructure.Hosting;
using Carter;

namespace App.Features.Tenants;

/// <summary>/api/tenant — the authenticated tenant's own profile and usage.</summary>
public sealed class TenantsModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapTenantApi("/api/tenant", "Tenant");

        group.MapGet("/profile", GetProfile.Handle).Returns<GetProfile.Profile>()
            .WithSummary("The tenant's profile; the Twilio auth token is never returned, only a mask.");
        group.MapPut("/profile", UpdateProfile.Handle).Returns<GetProfile.Profile>()
            .Validate<UpdateProfile.Request>()
            .RequirePermission(Permissions.ManageSettings)
            .WithSummary("Update name, Twilio credentials (token write-only), sending number and settings.");
        group.MapGet("/usage", GetUsage.Handle).Returns<GetUsage.Usage>()
            .Refuses(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError, "from or to is not a date, from is after to, or the range spans more than 366 days")
            .RequirePermission(Permissions.ViewLogs)
            .WithSummary("Counts by channel and status, total cost and a per-day series over [from, to].");
    }
}

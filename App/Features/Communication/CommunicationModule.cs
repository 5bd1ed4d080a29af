using App.Infrastructure.Hosting;
using Carter;

namespace App.Features.Communication;

/// <summary>/api/communication — what was sent and received, and what happened to it.</summary>
public sealed class CommunicationModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/communication")
            .WithErrorResponses()
            .WithTags("Communication history")
            .RequireAuthorization()
            .RequireRateLimiting(RateLimits.TenantPolicy)
            .RequirePermission(Permissions.ViewLogs);

        group.MapGet("/history", GetHistory.Handle).ReturnsPage<HistoryItem>()
            .RefusesBadQuery("type, direction, date_from, date_to")
            .WithSummary("SMS and calls, newest first, with filters; format=csv streams the same query as CSV.");
        group.MapGet("/history/{id:long}", GetCommunication.Handle).Returns<GetCommunication.Details>()
            .RefusesMissing("message or call")
            .WithSummary("One message or call with its status timeline.");
        group.MapGet("/status/{sid}", GetStatus.Handle).Returns<GetStatus.Answer>()
            .Refuses(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "no message or call of this tenant has this Twilio SID")
            .WithSummary("The stored row for a Twilio SID, refreshed from Twilio (final status, cost, duration).");
    }
}

using App.Infrastructure.Web;
using App.Infrastructure.Hosting;
using App.Infrastructure.Tenancy;
using Carter;

namespace App.Features.Calls;

/// <summary>/api/communication/voice — placing voice calls that speak a voice message.</summary>
public sealed class CallsModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/communication/voice")
            .WithErrorResponses()
            .WithTags("Calls")
            .RequireAuthorization()
            .RequireRateLimiting(RateLimits.TenantPolicy)
            .RequirePermission(Permissions.SendVoice);

        group.MapPost("/send", SendCall.Handle)
            .Accepts<SendCall.Request>("application/json", "application/x-www-form-urlencoded")
            .Returns<SendCall.Response>()
            .WithSummary("Place a call that speaks a voice message (variables filled in): accepted into the outbox at once. " +
                         "Send an Idempotency-Key header to make retries safe.");
    }
}

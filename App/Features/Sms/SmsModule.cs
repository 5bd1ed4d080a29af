using App.Infrastructure.Web;
using App.Infrastructure.Hosting;
using App.Infrastructure.Tenancy;
using Carter;

namespace App.Features.Sms;

/// <summary>/api/communication/sms — sending text messages.</summary>
public sealed class SmsModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/communication/sms")
            .WithErrorResponses()
            .WithTags("SMS")
            .RequireAuthorization()
            .RequireRateLimiting(RateLimits.TenantPolicy)
            .RequirePermission(Permissions.SendSms);

        group.MapPost("/send", SendSms.Handle)
            .Accepts<SendSms.Request>("application/json", "application/x-www-form-urlencoded")
            .Returns<SendSms.Response>()
            .WithSummary("Send an SMS: accepted into the outbox at once (status queued, or scheduled with send_at). " +
                         "Send an Idempotency-Key header to make retries safe.");
    }
}

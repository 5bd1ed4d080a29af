using App.Infrastructure.Hosting;
using Carter;

namespace App.Features.Sending;

/// <summary>/api/communication/sms/send and /api/communication/voice/send: every way a tenant sends.</summary>
public sealed class SendingModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/communication/sms/send", SendSms.Handle).AsSend<SendSms.Request, SendSms.Response>("SMS", Permissions.SendSms,
            "Send an SMS: accepted into the outbox at once (status queued, or scheduled with send_at).");
        app.MapPost("/api/communication/voice/send", SendCall.Handle).AsSend<SendCall.Request, SendCall.Response>("Calls", Permissions.SendVoice,
            "Place a call that speaks a voice message (variables filled in): accepted into the outbox at once.");
    }
}

internal static class SendEndpointConventions
{
    /// <summary>
    /// A send endpoint: JSON or a form in, the answer in the envelope, and the refusals every send shares. (The route
    /// is mapped at the call site, with the handler as a method group, so the request delegate generator compiles it.)
    /// </summary>
    public static RouteHandlerBuilder AsSend<TRequest, TResponse>(this RouteHandlerBuilder route, string tag, string permission, string summary)
        where TRequest : notnull => route
        .RequireAuthorization()
        .RequireRateLimiting(RateLimits.TenantPolicy)
        .WithErrorResponses()
        .Refuses(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError, "a field is missing or invalid (details name each one), or a variable has no value")
        .Refuses(StatusCodes.Status409Conflict, ErrorCodes.OptedOut, "the recipient replied STOP; nothing was sent")
        .Refuses(StatusCodes.Status409Conflict, ErrorCodes.IdempotencyKeyReused, "this Idempotency-Key was used for a different request")
        .Refuses(StatusCodes.Status409Conflict, ErrorCodes.SpendCapReached,
            "this send would take the tenant's spend this month over its monthly spend cap (details: cap_usd, spent_usd, send_estimate_usd); nothing was sent")
        .Refuses(StatusCodes.Status422UnprocessableEntity, ErrorCodes.TwilioNotConfigured, "the tenant has no Twilio credentials or sending number")
        .Refuses(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ShuttingDown, "the server is restarting; retry with the same Idempotency-Key")
        .WithTags(tag)
        .RequirePermission(permission)
        .Accepts<TRequest>("application/json", "application/x-www-form-urlencoded")
        .Returns<TResponse>()
        .WithSummary(summary + " Send an Idempotency-Key header to make retries safe.");
}

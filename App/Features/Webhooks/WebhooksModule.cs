using Carter;

namespace App.Features.Webhooks;

/// <summary>
/// The endpoints Twilio calls. Anonymous, but every request is signature-checked with the tenant's auth token;
/// they answer TwiML (or nothing), never the JSON envelope.
/// </summary>
public sealed class WebhooksModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/webhooks/twilio")
            .WithTags("Twilio webhooks")
            .AllowAnonymous()
            .DisableAntiforgery();

        group.MapPost("/{tenantId}/sms", SmsWebhook.Handle)
            .AnswersAsTwilioWebhook("MessageSid")
            .WithSummary("Message status callbacks and inbound SMS (X-Twilio-Signature required).");
        group.MapPost("/{tenantId}/voice", VoiceWebhook.Handle)
            .AnswersAsTwilioWebhook("CallSid")
            .WithSummary("Call status callbacks and inbound calls (X-Twilio-Signature required).");
        group.MapMethods("/voice-xml/{xmlId}", [HttpMethods.Get, HttpMethods.Post], ServeVoiceXml.Handle)
            .Answers(StatusCodes.Status200OK, "application/xml", "the call's TwiML")
            .Answers(StatusCodes.Status403Forbidden, null, "the owning tenant has an auth token and X-Twilio-Signature is missing or does not match")
            .Answers(StatusCodes.Status404NotFound, null, "no active document has this id")
            .WithSummary("The stored TwiML of a call, fetched by Twilio.");
    }
}

internal static class WebhookOutcomes
{
    public static RouteHandlerBuilder AnswersAsTwilioWebhook(this RouteHandlerBuilder endpoint, string sidField) => endpoint
        .Answers(StatusCodes.Status200OK, "application/xml", "TwiML: an empty <Response/>, or what an inbound message or call is answered with")
        .Answers(StatusCodes.Status400BadRequest, null, $"the request has no {sidField}")
        .Answers(StatusCodes.Status403Forbidden, null, "X-Twilio-Signature is missing or does not match; nothing changes")
        .Answers(StatusCodes.Status404NotFound, null, "no tenant has this id");
}

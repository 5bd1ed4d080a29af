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
            .WithSummary("Message status callbacks and inbound SMS (X-Twilio-Signature required).");
        group.MapPost("/{tenantId}/voice", VoiceWebhook.Handle)
            .WithSummary("Call status callbacks and inbound calls (X-Twilio-Signature required).");
        group.MapMethods("/voice-xml/{xmlId}", [HttpMethods.Get, HttpMethods.Post], ServeVoiceXml.Handle)
            .WithSummary("The stored TwiML of a call, fetched by Twilio.");
    }
}

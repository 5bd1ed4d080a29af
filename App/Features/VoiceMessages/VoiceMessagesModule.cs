using App.Infrastructure.Hosting;
using Carter;

namespace App.Features.VoiceMessages;

/// <summary>/api/voice-messages — the tenant's voice message templates: what a call says (and plays).</summary>
public sealed class VoiceMessagesModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        // Reading and previewing is open to every credential of the tenant; changing needs manage_voice_messages.
        var group = app.MapTenantApi("/api/voice-messages", "Voice messages");
        var manage = group.MapGroup("").RequirePermission(Permissions.ManageVoiceMessages);

        group.MapGet("/", ListVoiceMessages.Handle).ReturnsPage<GetVoiceMessage.Item>()
            .RefusesBadQuery("is_active, voice_type")
            .WithSummary("Voice messages, newest first; filters is_active, voice_type and search (name contains).");
        group.MapGet("/options", GetVoiceOptions.Handle).Returns<GetVoiceOptions.Response>()
            .WithSummary("The voices, rates, languages, types and legacy voice mapping the editor offers.");
        manage.MapPost("/", CreateVoiceMessage.Handle).Returns<GetVoiceMessage.Item>(201)
            .Validate<CreateVoiceMessage.Request>()
            .RefusesNameTaken()
            .WithSummary("Create a voice message. Without voice, legacy voice_gender/tropo_voice are mapped to a current voice.");
        group.MapGet("/{id}", GetVoiceMessage.Handle).Returns<GetVoiceMessage.Item>()
            .RefusesMissing("voice message")
            .WithSummary("One voice message.");
        manage.MapPut("/{id}", UpdateVoiceMessage.Handle).Returns<GetVoiceMessage.Item>()
            .Validate<CreateVoiceMessage.Request>()
            .RefusesMissing("voice message")
            .RefusesNameTaken()
            .WithSummary("Replace a voice message (same body as create; omitted optional fields take their defaults).");
        manage.MapDelete("/{id}", DeleteVoiceMessage.Handle).Returns<DeleteVoiceMessage.Response>()
            .RefusesMissing("voice message")
            .WithSummary("Delete a voice message; call history keeps its rows.");
        manage.MapPost("/{id}/duplicate", DuplicateVoiceMessage.Handle).Returns<GetVoiceMessage.Item>(201)
            .RefusesMissing("voice message")
            .Refuses(StatusCodes.Status409Conflict, ErrorCodes.Conflict, "concurrent copies took every free copy name; try again")
            .WithSummary("Copy a voice message as \"name (copy)\", \"name (copy 2)\"...");
        group.MapGet("/{id}/preview", PreviewVoiceMessage.Handle).Returns<PreviewVoiceMessage.Response>()
            .RefusesMissing("voice message")
            .WithSummary("The TwiML a call would use; every query parameter is a variable value (?first_name=Ann).");
    }
}

using Carter;

namespace App.Features.Legacy;

/// <summary>
/// The legacy site's URLs, kept working after cutover: Twilio numbers and scripts that still ask the old host name for
/// <c>Twiml.aspx?id=N</c> or <c>/files/mp3/&lt;name&gt;</c> get the migrated TwiML and audio of the tenant that owns that
/// host name. The same, without the host name: <c>/legacy/{tenant_id}/Twiml.aspx?id=N</c> and
/// <c>/legacy/{tenant_id}/files/mp3/&lt;name&gt;</c> (the path imported TwiML plays its audio from).
/// </summary>
public sealed class LegacyModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        string[] methods = [HttpMethods.Get, HttpMethods.Post];
        app.MapMethods("/Twiml.aspx", methods, ServeLegacyTwiml.ByHostName)
            .AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        app.MapMethods("/legacy/{tenantId}/Twiml.aspx", methods, ServeLegacyTwiml.ByTenantId)
            .AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        app.MapMethods("/files/mp3/{**name}", [HttpMethods.Get, HttpMethods.Head], ServeLegacyAudio.ByHostName)
            .AllowAnonymous().ExcludeFromDescription();
        app.MapMethods("/legacy/{tenantId}/files/mp3/{**name}", [HttpMethods.Get, HttpMethods.Head], ServeLegacyAudio.ByTenantId)
            .AllowAnonymous().ExcludeFromDescription();
    }
}

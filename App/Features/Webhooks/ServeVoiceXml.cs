using App.Twilio;

namespace App.Features.Webhooks;

/// <summary>
/// GET|POST /webhooks/twilio/voice-xml/{xml_id} — the stored TwiML of a call, fetched by Twilio when the call
/// connects. Ids are unguessable; the request must carry a valid signature whenever the owning tenant has a token.
/// </summary>
public static class ServeVoiceXml
{
    public static async Task<IResult> Handle(string xmlId, HttpContext context, TwilioAccounts accounts, IConfiguration configuration, Db db)
    {
        await using var connection = await db.OpenAsync(context.RequestAborted);
        var document = await connection.QuerySingleOrDefaultAsync<(string TenantId, string Xml)>(
            "SELECT tenant_id, xml_content FROM voice_xml WHERE id = @xmlId AND is_active = 1", new { xmlId });
        if (document.Xml is null) return Results.NotFound();

        var account = await accounts.FindAsync(document.TenantId, context.RequestAborted);
        if (account?.AuthToken is not null)
        {
            var (request, refusal) = await TwilioWebhook.VerifyAsync(context, document.TenantId, accounts, configuration);
            if (request is null) return refusal!;
        }

        context.Response.Headers.CacheControl = "no-store";
        return Results.Text(document.Xml, TwimlDocument.ContentType);
    }
}

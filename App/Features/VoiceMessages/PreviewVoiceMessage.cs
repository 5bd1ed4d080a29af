using App.Twilio;

namespace App.Features.VoiceMessages;

/// <summary>
/// GET /api/voice-messages/{id}/preview?first_name=Ann&amp;... — every query parameter (except the apiKey credential) is
/// a variable value. With every value present, <c>twiml</c> is exactly the document a call would use; otherwise it is
/// null and <c>missing</c> lists the names still needed. Works for inactive messages too (with a warning).
/// </summary>
public static class PreviewVoiceMessage
{
    public sealed record Response(string? Twiml, IReadOnlyList<string> Variables, IReadOnlyList<string> Missing, IReadOnlyList<string> Warnings);

    public static async Task<IResult> Handle(long id, HttpContext context, CurrentTenant tenant, Db db, CancellationToken ct)
    {
        GetVoiceMessage.Row? row;
        await using (var connection = await db.OpenAsync(ct))
        {
            row = await connection.QuerySingleOrDefaultAsync<GetVoiceMessage.Row>(GetVoiceMessage.Sql, new { Id = id, TenantId = tenant.Id });
        }

        if (row is null) return Api.NotFound("voice message");

        var variables = context.Request.Query
            .Where(q => !string.Equals(q.Key, TenantAuthentication.ApiKeyQuery, StringComparison.OrdinalIgnoreCase))
            .GroupBy(q => q.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().Value.FirstOrDefault() ?? "", StringComparer.OrdinalIgnoreCase);

        var template = row.ToTemplate();
        var warnings = new List<string>();
        if (!row.IsActive) warnings.Add("This voice message is inactive: calls cannot use it until it is activated.");

        var playUrl = await VoiceScript.PlayUrlAsync(context.RequestServices, tenant.Id, template, ct);
        if (template.VoiceFileId is { } fileId && playUrl is null)
        {
            warnings.Add(template.PlayPosition == "instead"
                ? $"Audio file {fileId} is not available, so the text is spoken instead of playing it."
                : $"Audio file {fileId} is not available, so its <Play> is left out.");
        }

        if (VoiceScript.ProsodyRate(template.Voice, template.VoiceRate) is null
            && template.VoiceRate is { } rate && rate != "medium" && !TwilioVoices.SupportsSsml(template.Voice))
        {
            warnings.Add($"The voice {template.Voice} takes no SSML, so the rate '{rate}' is not applied.");
        }

        var result = VoiceScript.Render(template, variables, playUrl);
        if (result.Problem is not null) warnings.Add(result.Problem);
        return Api.Ok(new Response(result.Twiml, TemplateVariables.ExtractNames(template.VoiceText), result.MissingVariables, warnings),
            result.IsSuccess ? "The TwiML a call would use." : "Not every variable has a value yet.");
    }
}

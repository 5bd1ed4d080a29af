using System.Security.Cryptography;
using System.Text.Json.Serialization;
using App.Features.Communication;
using App.Features.VoiceMessages;
using App.Twilio;
using FluentValidation;

namespace App.Features.Sending;

/// <summary>
/// POST /api/communication/voice/send — JSON or form: {to, voice_message_id, variables?, from?, send_at?}.
/// Renders the template into a voice_xml document with an unguessable id (a missing variable is refused by name, never
/// spoken as a hole), then writes the log row and its outbox entry in one transaction; the outbox creates the Twilio
/// call with Url = that document and status callbacks for initiated, ringing, answered and completed.
/// </summary>
public static class SendCall
{
    public const string Endpoint = "voice/send";

    public sealed record Request(
        string? To, long? VoiceMessageId, [property: JsonConverter(typeof(TextValuesConverter))] Dictionary<string, string>? Variables,
        string? From, DateTimeOffset? SendAt, bool? OverrideQuietHours = null);

    public sealed record Response(long Id, string Status, string To, string From, long VoiceMessageId, DateTimeOffset? SendAt,
        bool HeldForQuietHours);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.To).NotEmpty().WithMessage("'to' is required: the phone number to call.");
            RuleFor(r => r.VoiceMessageId).NotNull().WithMessage("'voice_message_id' is required: the voice message to play.");
            RuleFor(r => r.SendAt).MustBeASendTime();
        }
    }

    public static async Task<IResult> Handle(HttpContext http, CurrentTenant tenant, SendingServices services, IValidator<Request> validator,
        CancellationToken ct)
    {
        var request = await RequestBody.ReadAsync<Request>(http.Request, ct);
        var validation = await validator.ValidateAsync(request, ct);
        if (!validation.IsValid) return Validation.Problem(validation);

        var (send, answer) = await PendingSend.OpenAsync(services, http, tenant, Endpoint, request, request.To, request.From, ct);
        if (send is null) return answer!;

        VoiceScript.Template? template;
        await using (var connection = await services.Db.OpenAsync(ct))
            template = await VoiceScript.FindAsync(connection, tenant.Id, request.VoiceMessageId!.Value, ct: ct);
        if (template is null) return Validation.Problem("voice_message_id", "No active voice message of this tenant has this id.");

        var variables = request.Variables ?? [];
        var playUrl = await VoiceScript.PlayUrlAsync(http.RequestServices, tenant.Id, template, ct);
        var script = VoiceScript.Render(template, variables, playUrl);
        if (script.MissingVariables.Count > 0)
        {
            return Validation.Problem("variables",
                $"Missing value for {string.Join(", ", script.MissingVariables.Select(n => "'" + n + "'"))}: the call was not placed.");
        }

        if (!script.IsSuccess) return Validation.Problem("voice_message_id", script.Problem ?? "The voice message cannot be spoken.");

        var plan = send.Plan(request.SendAt, request.OverrideQuietHours == true);
        var documentId = NewDocumentId();
        var row = new CommunicationLog.NewRow(tenant.Id, "call", "outbound", send.To, send.From,
            Content: TemplateVariables.Render(template.VoiceText, variables).Text, Status: plan.Scheduled ? Statuses.Scheduled : Statuses.Queued,
            XmlFileName: documentId, VoiceMessageId: request.VoiceMessageId, SendAt: plan.SendAt, CreatedBy: send.CreatedBy,
            ClientId: send.ClientId);

        return await send.CommitAsync(row, plan.DueAt, logId => new Envelope<Response>(true,
                new Response(logId, row.Status, send.To, send.From, request.VoiceMessageId.Value, plan.SendAt, plan.HeldForQuietHours),
                plan.Describe("Call"),
                DateTimeOffset.UtcNow),
            writeFirst: (connection, transaction) =>
            {
                // The document Twilio fetches when the call is answered (/webhooks/twilio/voice-xml/{id}).
                PreparedStatements.Execute(connection, transaction, """
                    INSERT INTO voice_xml (id, tenant_id, xml_content, xml_filename, voice_message_id)
                    VALUES (@documentId, @TenantId, @Twiml, @FileName, @VoiceMessageId)
                    """, new { documentId, TenantId = tenant.Id, script.Twiml, FileName = documentId + ".xml", request.VoiceMessageId });
                return Task.CompletedTask;
            });
    }

    /// <summary>128 random bits, URL-safe: TwiML URLs are public, so their ids must not be guessable.</summary>
    private static string NewDocumentId() => ApiKeys.Base64Url(RandomNumberGenerator.GetBytes(16));
}

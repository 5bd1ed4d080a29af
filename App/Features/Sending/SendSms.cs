using System.Text.Json.Serialization;
using App.Features.Communication;
using App.Twilio;
using FluentValidation;

namespace App.Features.Sending;

/// <summary>
/// POST /api/communication/sms/send — JSON or form: {to, message, variables?, from?, send_at?}.
/// Normalises the number (tenant's default region), fills in variables (a missing one is refused by name), refuses
/// opted-out recipients, counts segments, then writes the log row and its outbox entry in one transaction and answers
/// at once; the outbox worker hands it to Twilio.
/// </summary>
public static class SendSms
{
    public const string Endpoint = "sms/send";

    public sealed record Request(
        string? To, string? Message, [property: JsonConverter(typeof(TextValuesConverter))] Dictionary<string, string>? Variables,
        string? From, DateTimeOffset? SendAt, bool? OverrideQuietHours = null);

    public sealed record Response(long Id, string Status, string To, string From, string Message, string Encoding, int Segments,
        int Characters, DateTimeOffset? SendAt, bool HeldForQuietHours);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.To).NotEmpty().WithMessage("'to' is required: the recipient's phone number.");
            RuleFor(r => r.Message).NotEmpty().WithMessage("'message' is required.")
                .MaximumLength(TwilioRequestRules.MaxBodyLength).WithMessage($"The message is longer than Twilio's {TwilioRequestRules.MaxBodyLength} characters.");
            RuleFor(r => r.Message).Must(m => TemplateVariables.Validate(m!).Count == 0).When(r => !string.IsNullOrEmpty(r.Message))
                .WithMessage(r => "Malformed placeholder(s): " + string.Join(", ", TemplateVariables.Validate(r.Message!)) + ". Use {{name}}.");
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

        var rendered = TemplateVariables.Render(request.Message!, request.Variables ?? []);
        if (rendered.MissingNames.Count > 0)
        {
            return Validation.Problem("variables",
                $"Missing value for {string.Join(", ", rendered.MissingNames.Select(n => "'" + n + "'"))}: the message was not sent.");
        }

        var body = rendered.Text!;
        if (body.Length > TwilioRequestRules.MaxBodyLength)
            return Validation.Problem("message", $"With its variables filled in, the message is {body.Length} characters; Twilio's limit is {TwilioRequestRules.MaxBodyLength}.");

        var segments = SmsSegments.Count(body);
        var plan = send.Plan(request.SendAt, request.OverrideQuietHours == true);
        var row = new CommunicationLog.NewRow(tenant.Id, "sms", "outbound", send.To, send.From, body,
            plan.Scheduled ? Statuses.Scheduled : Statuses.Queued, Segments: segments.Segments, Encoding: segments.Encoding,
            SendAt: plan.SendAt, CreatedBy: send.CreatedBy, ClientId: send.ClientId);

        return await send.CommitAsync(row, plan.DueAt, logId => new Envelope<Response>(true,
            new Response(logId, row.Status, send.To, send.From, body, segments.Encoding, segments.Segments, segments.Characters,
                plan.SendAt, plan.HeldForQuietHours),
            plan.Describe("SMS"),
            DateTimeOffset.UtcNow));
    }
}

using System.Globalization;
using System.Text.Json.Serialization;
using App.Features.Audit;
using App.Features.Communication;
using App.Features.Communication.Outbox;
using App.Infrastructure.Database;
using App.Infrastructure.Tenancy;
using App.Infrastructure.Web;
using App.Twilio;
using Dapper;
using FluentValidation;
using Microsoft.Data.Sqlite;

namespace App.Features.Sms;

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
        string? From, DateTimeOffset? SendAt);

    public sealed record Response(long Id, string Status, string To, string From, string Message, string Encoding, int Segments,
        int Characters, DateTimeOffset? SendAt);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.To).NotEmpty().WithMessage("'to' is required: the recipient's phone number.");
            RuleFor(r => r.Message).NotEmpty().WithMessage("'message' is required.")
                .MaximumLength(CreateMessageRequest.MaxBodyLength).WithMessage($"The message is longer than Twilio's {CreateMessageRequest.MaxBodyLength} characters.");
            RuleFor(r => r.Message).Must(m => TemplateVariables.Validate(m!).Count == 0).When(r => !string.IsNullOrEmpty(r.Message))
                .WithMessage(r => "Malformed placeholder(s): " + string.Join(", ", TemplateVariables.Validate(r.Message!)) + ". Use {{name}}.");
            RuleFor(r => r.SendAt).MustBeASendTime();
        }
    }

    public static async Task<IResult> Handle(HttpContext http, CurrentTenant tenant, Db db, WriteBatcher writes, AuditWriter audit,
        TenantDirectory directory, TwilioAccounts accounts, OutboxSignal outbox, IValidator<Request> validator, CancellationToken ct)
    {
        var request = await RequestBody.ReadAsync<Request>(http.Request, ct);
        var validation = await validator.ValidateAsync(request, ct);
        if (!validation.IsValid) return Validation.Problem(validation);

        var (idempotencyKey, requestHash, earlierAnswer) = await Sending.CheckIdempotencyAsync(http, db, tenant.Id, Endpoint, request);
        if (earlierAnswer is not null) return earlierAnswer;

        var (parties, refusal) = await Sending.ResolvePartiesAsync(tenant, directory, accounts, request.To, request.From, ct);
        if (parties is null) return refusal!;

        var rendered = TemplateVariables.Render(request.Message!, request.Variables ?? []);
        if (rendered.MissingNames.Count > 0)
        {
            return Validation.Problem("variables",
                $"Missing value for {string.Join(", ", rendered.MissingNames.Select(n => "'" + n + "'"))}: the message was not sent.");
        }

        var body = rendered.Text!;
        if (body.Length > CreateMessageRequest.MaxBodyLength)
            return Validation.Problem("message", $"With its variables filled in, the message is {body.Length} characters; Twilio's limit is {CreateMessageRequest.MaxBodyLength}.");

        var segments = SmsSegments.Count(body);
        var scheduled = request.SendAt is { } sendAt && sendAt > DateTimeOffset.UtcNow.AddSeconds(5);
        var status = scheduled ? Statuses.Scheduled : Statuses.Queued;

        var sendAtText = request.SendAt is { } at ? Db.Timestamp(at) : null;
        var createdBy = $"{tenant.Actor.Type}:{tenant.Actor.Name}";
        var clientId = http.Request.Headers["X-Client-Id"].FirstOrDefault();
        return await Sending.AcceptAsync(http, db, writes, audit, tenant.Id, idempotencyKey, Endpoint, requestHash, async (writer, transaction) =>
        {
            // Checked as the row is written, so a STOP that arrives meanwhile is never missed.
            if (await OptOutList.ContainsAsync(writer, tenant.Id, parties.To, transaction))
            {
                return Sending.Refused<Response>(Api.Error(StatusCodes.Status409Conflict, "OPTED_OUT",
                    $"{parties.To} has opted out of messages from this tenant (replied STOP); nothing was sent.",
                    new Dictionary<string, string> { ["to"] = parties.To }));
            }

            var logId = PreparedStatements.ExecuteScalar<long>(writer, transaction, """
                INSERT INTO communication_log (tenant_id, network_type, direction, to_number, from_number, message_content, status, status_rank,
                                               segments, encoding, send_at, created_by, client_id)
                VALUES (@TenantId, 'sms', 'outbound', @To, @From, @Body, @Status, @Rank, @Segments, @Encoding, @SendAt, @CreatedBy, @ClientId)
                RETURNING id
                """, new
            {
                TenantId = tenant.Id, To = parties.To, From = parties.From, Body = body, Status = status, Rank = Statuses.MessageRank(status),
                segments.Segments, segments.Encoding, SendAt = sendAtText, CreatedBy = createdBy, ClientId = clientId,
            });
            PreparedStatements.Execute(writer, transaction,
                "INSERT INTO status_events (log_id, status, source, dedupe_key) VALUES (@logId, @status, 'api', @key)",
                new { logId, status, key = $"sms:log{logId}:{status}" });
            await OutboxEntries.EnqueueAsync(writer, transaction, tenant.Id, logId, "sms", scheduled ? request.SendAt!.Value : DateTimeOffset.UtcNow,
                parties.To, parties.From, body);

            var response = new Response(logId, status, parties.To, parties.From, body, segments.Encoding, segments.Segments, segments.Characters,
                scheduled ? request.SendAt : null);
            return Sending.Accepted(logId, new Envelope<Response>(true, response,
                scheduled ? $"SMS scheduled for {request.SendAt!.Value.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}." : "SMS queued for sending.",
                DateTimeOffset.UtcNow));
        }, outbox);
    }
}

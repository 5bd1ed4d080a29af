using System.Globalization;
using System.Text.Json.Serialization;
using System.Security.Cryptography;
using App.Features.Audit;
using App.Features.Communication;
using App.Features.Communication.Outbox;
using App.Features.VoiceMessages;
using App.Infrastructure.Database;
using App.Infrastructure.Tenancy;
using App.Infrastructure.Web;
using App.Twilio;
using Dapper;
using FluentValidation;
using Microsoft.Data.Sqlite;

namespace App.Features.Calls;

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
        string? From, DateTimeOffset? SendAt);

    public sealed record Response(long Id, string Status, string To, string From, long VoiceMessageId, DateTimeOffset? SendAt);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.To).NotEmpty().WithMessage("'to' is required: the phone number to call.");
            RuleFor(r => r.VoiceMessageId).NotNull().WithMessage("'voice_message_id' is required: the voice message to play.");
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

        VoiceScript.Template? template;
        await using (var connection = await db.OpenAsync(ct))
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
        var spokenText = TemplateVariables.Render(template.VoiceText, variables).Text;

        var scheduled = request.SendAt is { } sendAt && sendAt > DateTimeOffset.UtcNow.AddSeconds(5);
        var status = scheduled ? Statuses.Scheduled : Statuses.Queued;
        var xmlId = NewDocumentId();

        var sendAtText = request.SendAt is { } at ? Db.Timestamp(at) : null;
        var createdBy = $"{tenant.Actor.Type}:{tenant.Actor.Name}";
        var clientId = http.Request.Headers["X-Client-Id"].FirstOrDefault();
        return await Sending.AcceptAsync(http, db, writes, audit, tenant.Id, idempotencyKey, Endpoint, requestHash, async (writer, transaction) =>
        {
            await writer.ExecuteAsync("""
                INSERT INTO voice_xml (id, tenant_id, xml_content, xml_filename, voice_message_id)
                VALUES (@xmlId, @TenantId, @Twiml, @FileName, @VoiceMessageId)
                """, new { xmlId, TenantId = tenant.Id, script.Twiml, FileName = xmlId + ".xml", request.VoiceMessageId }, transaction);
            var logId = await writer.ExecuteScalarAsync<long>("""
                INSERT INTO communication_log (tenant_id, network_type, direction, to_number, from_number, message_content, status, status_rank,
                                               xml_filename, voice_message_id, send_at, created_by, client_id)
                VALUES (@TenantId, 'call', 'outbound', @To, @From, @SpokenText, @Status, 0, @xmlId, @VoiceMessageId, @SendAt, @CreatedBy, @ClientId)
                RETURNING id
                """, new
            {
                TenantId = tenant.Id, To = parties.To, From = parties.From, SpokenText = spokenText, Status = status, xmlId, request.VoiceMessageId,
                SendAt = sendAtText, CreatedBy = createdBy, ClientId = clientId,
            }, transaction);
            await writer.ExecuteAsync(
                "INSERT INTO status_events (log_id, status, source, dedupe_key) VALUES (@logId, @status, 'api', @key)",
                new { logId, status, key = $"call:log{logId}:{status}" }, transaction);
            await OutboxEntries.EnqueueAsync(writer, transaction, tenant.Id, logId, "call", scheduled ? request.SendAt!.Value : DateTimeOffset.UtcNow,
                parties.To, parties.From, null);

            return Sending.Accepted(logId, new Envelope<Response>(true,
                new Response(logId, status, parties.To, parties.From, request.VoiceMessageId.Value, scheduled ? request.SendAt : null),
                scheduled ? $"Call scheduled for {request.SendAt!.Value.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}." : "Call queued.",
                DateTimeOffset.UtcNow));
        }, outbox);
    }

    /// <summary>128 random bits, URL-safe: TwiML URLs are public, so their ids must not be guessable (DECISIONS 11).</summary>
    private static string NewDocumentId() => ApiKeys.Base64Url(RandomNumberGenerator.GetBytes(16));
}

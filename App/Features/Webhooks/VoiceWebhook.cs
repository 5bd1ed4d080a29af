using System.Globalization;
using App.Features.Communication;
using App.Twilio;
using Microsoft.Data.Sqlite;

namespace App.Features.Webhooks;

/// <summary>
/// POST /webhooks/twilio/{tenant_id}/voice — call status callbacks for our calls (status, duration, answered_by,
/// price), and inbound calls to the tenant's number, answered with the tenant's greeting (or a polite default).
/// The change is written through the write batch, so callbacks arriving together commit together.
/// </summary>
public static class VoiceWebhook
{
    public static string DefaultGreeting(string tenantName) =>
        $"Thank you for calling {tenantName}. We cannot take your call right now. Please try again later. Goodbye.";

    public static async Task<IResult> Handle(string tenantId, long? log, HttpContext context, TwilioAccounts accounts, IConfiguration configuration,
        WriteBatcher writes)
    {
        var (request, refusal) = await TwilioWebhook.VerifyAsync(context, tenantId, accounts, configuration);
        if (request is null) return refusal!;

        var callSid = request["CallSid"];
        if (string.IsNullOrEmpty(callSid)) return Results.BadRequest();

        return await writes.WriteAsync(async (connection, transaction) =>
        {
            var id = await connection.ExecuteScalarAsync<long?>("""
                SELECT id FROM communication_log
                WHERE tenant_id = @tenantId AND network_type = 'call'
                  AND ((@log IS NOT NULL AND id = @log AND (twilio_sid IS NULL OR twilio_sid = @callSid))
                       OR (@log IS NULL AND twilio_sid = @callSid))
                """, new { tenantId, log, callSid }, transaction);

            var status = request["CallStatus"] ?? "";
            if (id is not null)
            {
                await ApplyStatusCallbackAsync(connection, transaction, id.Value, callSid, status, request);
                return TwilioWebhook.EmptyTwiml();
            }

            if (request["Direction"] is "inbound" && log is null)
                return await AnswerInboundCallAsync(connection, transaction, tenantId, callSid, status, request);

            return TwilioWebhook.EmptyTwiml();
        });
    }

    private static Task<CommunicationLog.Outcome> ApplyStatusCallbackAsync(SqliteConnection connection, SqliteTransaction transaction, long logId, string callSid, string status, TwilioWebhook.Verified request)
    {
        // Call events carry a SequenceNumber (see docs/twilio.md, "Status callbacks"); without one, the status itself is the dedupe key.
        var sequence = request["SequenceNumber"];
        var errorCode = int.TryParse(request["ErrorCode"], CultureInfo.InvariantCulture, out var code) ? code : (int?)null;
        var sipCode = request["SipResponseCode"];
        return CommunicationLog.ApplyAsync(connection, logId, "call", new CommunicationLog.StatusChange(
            status, "callback", $"call:{callSid}:{sequence ?? status}",
            ErrorCode: errorCode,
            ErrorMessage: request["ErrorMessage"] ?? (errorCode is null && status is "failed" or "busy" or "no-answer" && sipCode is not null ? $"SIP response {sipCode}" : null),
            TwilioSid: callSid,
            Cost: CommunicationLog.CostFrom(request["Price"]),
            CostCurrency: request["PriceUnit"],
            DurationSeconds: int.TryParse(request["CallDuration"], CultureInfo.InvariantCulture, out var duration) ? duration : null,
            AnsweredBy: request["AnsweredBy"]), transaction);
    }

    private static async Task<IResult> AnswerInboundCallAsync(SqliteConnection connection, SqliteTransaction transaction, string tenantId,
        string callSid, string status, TwilioWebhook.Verified request)
    {
        var tenant = await connection.QuerySingleAsync<(string Name, string? Settings)>(
            "SELECT name, settings FROM tenants WHERE id = @tenantId", new { tenantId }, transaction);
        var greeting = TenantSettings.Parse(tenant.Settings).InboundGreeting;
        if (string.IsNullOrWhiteSpace(greeting)) greeting = DefaultGreeting(tenant.Name);

        // A repeated delivery of the same inbound call finds its row already there and is answered the same way.
        await CommunicationLog.InsertAsync(connection, transaction,
            new CommunicationLog.NewRow(tenantId, "call", "inbound", request["To"] ?? "", request["From"] ?? "", greeting,
                string.IsNullOrEmpty(status) ? "ringing" : status, TwilioSid: callSid),
            "callback", eventKey: $"call:{callSid}:inbound");

        var twiml = new VoiceTwiml()
            .Say(greeting, voice: "Polly.Joanna-Neural", language: "en-US")
            .Hangup()
            .ToXml();
        return Results.Text(twiml, TwimlDocument.ContentType);
    }
}

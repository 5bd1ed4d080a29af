using App.Twilio;
using System.Globalization;
using App.Features.Communication;
using Microsoft.Data.Sqlite;

namespace App.Features.Webhooks;

/// <summary>
/// POST /webhooks/twilio/{tenant_id}/sms — message status callbacks for our sends, and inbound messages to the
/// tenant's number (stored as inbound rows; opt-out and opt-in keywords maintain the opt-out list). Always a quick
/// answer with empty TwiML; no call to Twilio happens here. The change is written through the write batch, so
/// callbacks arriving together commit together.
/// </summary>
public static class SmsWebhook
{
    public static async Task<IResult> Handle(string tenantId, long? log, HttpContext context, TwilioAccounts accounts, IConfiguration configuration,
        WriteBatcher writes)
    {
        var (request, refusal) = await TwilioWebhook.VerifyAsync(context, tenantId, accounts, configuration);
        if (request is null) return refusal!;

        var messageSid = request["MessageSid"] ?? request["SmsSid"];
        if (string.IsNullOrEmpty(messageSid)) return Results.BadRequest();

        var status = request["MessageStatus"] ?? request["SmsStatus"];
        if (status is "received" or "receiving" && log is null)
            await writes.WriteAsync((connection, transaction) => StoreInboundAsync(connection, transaction, tenantId, messageSid, request));
        else if (status is not null)
            await writes.WriteAsync((connection, transaction) => ApplyStatusCallbackAsync(connection, transaction, tenantId, log, messageSid, status, request));

        return TwilioWebhook.EmptyTwiml();
    }

    private static async Task ApplyStatusCallbackAsync(SqliteConnection connection, SqliteTransaction transaction, string tenantId, long? logId,
        string messageSid, string status, TwilioWebhook.Verified request)
    {
        // Our StatusCallback URL names the log row, so a callback that overtakes the create's answer still finds it.
        var id = await connection.ExecuteScalarAsync<long?>("""
            SELECT id FROM communication_log
            WHERE tenant_id = @tenantId AND network_type = 'sms'
              AND ((@logId IS NOT NULL AND id = @logId AND (twilio_sid IS NULL OR twilio_sid = @messageSid))
                   OR (@logId IS NULL AND twilio_sid = @messageSid))
            """, new { tenantId, logId, messageSid }, transaction);
        if (id is null) return;

        await CommunicationLog.ApplyAsync(connection, id.Value, "sms", new CommunicationLog.StatusChange(
            status, "callback", $"sms:{messageSid}:{status}",
            ErrorCode: int.TryParse(request["ErrorCode"], CultureInfo.InvariantCulture, out var code) ? code : null,
            TwilioSid: messageSid,
            Cost: CommunicationLog.CostFrom(request["Price"]),
            CostCurrency: request["PriceUnit"]), transaction);
    }

    private static async Task StoreInboundAsync(SqliteConnection connection, SqliteTransaction transaction, string tenantId, string messageSid,
        TwilioWebhook.Verified request)
    {
        var from = request["From"] ?? "";
        var body = request["Body"] ?? "";
        var segments = int.TryParse(request["NumSegments"], CultureInfo.InvariantCulture, out var count) ? count : (int?)null;
        var inserted = await CommunicationLog.InsertAsync(connection, transaction,
            new CommunicationLog.NewRow(tenantId, "sms", "inbound", request["To"] ?? "", from, body, Statuses.Received,
                TwilioSid: messageSid, Segments: segments),
            "callback", eventKey: $"sms:{messageSid}:received");
        if (inserted is null) return; // a repeated delivery of the same inbound message

        switch (OptOutList.Classify(body))
        {
            case OptOutList.Keyword.OptOut:
                await OptOutList.AddAsync(connection, tenantId, from, body.Trim().ToUpperInvariant(), transaction);
                break;
            case OptOutList.Keyword.OptIn:
                await OptOutList.RemoveAsync(connection, tenantId, from, transaction);
                break;
        }
    }
}

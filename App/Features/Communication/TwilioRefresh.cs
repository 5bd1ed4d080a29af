using App.Twilio;
using Microsoft.Data.Sqlite;

namespace App.Features.Communication;

/// <summary>
/// Fetches a message or call from Twilio and records what it says (final status, error, cost, duration). Used by the
/// status endpoint and by the periodic reconciliation of rows whose callbacks never came.
/// </summary>
public static class TwilioRefresh
{
    public static async Task<CommunicationLog.Outcome> RefreshAsync(SqliteConnection connection, TwilioClient twilio,
        TwilioCredentials credentials, long logId, string channel, string sid, CancellationToken cancellationToken)
    {
        if (channel == "sms")
        {
            var message = await twilio.FetchMessageAsync(credentials, sid, cancellationToken);
            if (message.Status is null) return CommunicationLog.Outcome.Stale;
            return await CommunicationLog.ApplyAsync(connection, logId, channel, new CommunicationLog.StatusChange(
                message.Status, "refresh", $"sms:{sid}:{message.Status}",
                ErrorCode: message.ErrorCode, ErrorMessage: message.ErrorMessage, TwilioSid: sid,
                Cost: CommunicationLog.CostFrom(message.Price), CostCurrency: message.PriceUnit,
                Segments: int.TryParse(message.NumSegments, out var segments) && segments > 0 ? segments : null));
        }

        var call = await twilio.FetchCallAsync(credentials, sid, cancellationToken);
        if (call.Status is null) return CommunicationLog.Outcome.Stale;
        return await CommunicationLog.ApplyAsync(connection, logId, channel, new CommunicationLog.StatusChange(
            call.Status, "refresh", $"call:{sid}:{call.Status}",
            TwilioSid: sid,
            Cost: CommunicationLog.CostFrom(call.Price), CostCurrency: call.PriceUnit,
            DurationSeconds: int.TryParse(call.Duration, out var duration) ? duration : null,
            AnsweredBy: call.AnsweredBy));
    }
}

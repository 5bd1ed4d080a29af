using App.Twilio;
using Microsoft.Data.Sqlite;

namespace App.Features.Communication;

/// <summary>
/// Fetches a message or call from Twilio and records what it says (final status, error, cost, duration). Used by the
/// status endpoint and by the periodic reconciliation of rows whose callbacks never came.
/// </summary>
public static class TwilioRefresh
{
    public static async Task<CommunicationLog.Outcome> RefreshAsync(SqliteConnection connection, TwilioRest twilio,
        TwilioCredentials credentials, long logId, string channel, string sid, CancellationToken cancellationToken)
    {
        if (channel == "sms")
        {
            var message = await twilio.FetchMessageAsync(credentials, sid, cancellationToken);
            if (message.Status?.ToString() is not { Length: > 0 } messageStatus) return CommunicationLog.Outcome.Stale;
            return await CommunicationLog.ApplyAsync(connection, logId, channel, new CommunicationLog.StatusChange(
                messageStatus, "refresh", $"sms:{sid}:{messageStatus}",
                ErrorCode: message.ErrorCode, ErrorMessage: message.ErrorMessage, TwilioSid: sid,
                Cost: CommunicationLog.CostFrom(message.Price), CostCurrency: message.PriceUnit,
                Segments: int.TryParse(message.NumSegments, out var segments) && segments > 0 ? segments : null));
        }

        var call = await twilio.FetchCallAsync(credentials, sid, cancellationToken);
        if (call.Status?.ToString() is not { Length: > 0 } callStatus) return CommunicationLog.Outcome.Stale;
        return await CommunicationLog.ApplyAsync(connection, logId, channel, new CommunicationLog.StatusChange(
            callStatus, "refresh", $"call:{sid}:{callStatus}",
            TwilioSid: sid,
            Cost: CommunicationLog.CostFrom(call.Price), CostCurrency: call.PriceUnit,
            DurationSeconds: int.TryParse(call.Duration, out var duration) ? duration : null,
            AnsweredBy: call.AnsweredBy));
    }
}

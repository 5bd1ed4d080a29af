using App.Twilio;
using Microsoft.Data.Sqlite;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace App.Features.Communication.Outbox;

/// <summary>
/// Before an entry whose create may have reached Twilio is sent again, Twilio's own list is searched for the message or
/// call it may have created: same To and From (and body, for an SMS), created after the entry, and not already another
/// row's. Twins never reach Twilio at the same time (see <see cref="OutboxEntries.ClaimDueAsync"/>), so such a message
/// is this entry's own. Should two be found anyway (a crash left two twins uncertain, or other software sent the same
/// text on this account), the oldest is taken: the safe choice is never to send the same message twice, and the other
/// twin reconciles in turn.
/// </summary>
internal static class OutboxReconciliation
{
    public static async Task<OutboxSender.Created?> FindExistingAsync(TwilioRest twilio, SqliteConnection connection, TwilioCredentials credentials,
        OutboxSender.LogRow row, OutboxEntries.Entry entry, ILogger logger, CancellationToken cancellationToken)
    {
        var since = entry.CreatedAt.AddMinutes(-2);
        // Twilio filters by whole GMT days: from the day before, to be safe around midnight.
        var day = since.UtcDateTime.Date.AddDays(-1);
        var to = new PhoneNumber(row.ToNumber);
        var from = new PhoneNumber(row.FromNumber);
        IEnumerable<(string Sid, string? Status, DateTime? DateCreated)> listed = row.NetworkType == "sms"
            ? (await twilio.ListMessagesAsync(credentials, new ReadMessageOptions { To = to, From = from, DateSentAfter = day, PageSize = 1000 },
                    cancellationToken: cancellationToken))
                .Items.Where(m => m.Body == row.MessageContent).Select(m => (m.Sid, m.Status?.ToString(), m.DateCreated))
            : (await twilio.ListCallsAsync(credentials, new ReadCallOptions { To = to, From = from, StartTimeAfter = day, PageSize = 1000 },
                    cancellationToken: cancellationToken))
                .Items.Select(c => (c.Sid, c.Status?.ToString(), c.DateCreated));
        var candidates = listed
            .Where(found => (TwilioRest.Utc(found.DateCreated) ?? DateTimeOffset.MaxValue) >= since)
            .OrderBy(found => TwilioRest.Utc(found.DateCreated))
            .Select(found => new OutboxSender.Created(found.Sid, found.Status, null))
            .ToList();
        if (candidates.Count == 0) return null;

        var owned = (await connection.QueryAsync<string>(
            "SELECT twilio_sid FROM communication_log WHERE tenant_id = @TenantId AND twilio_sid IN @Sids AND id <> @Id",
            new { row.TenantId, Sids = candidates.Select(c => c.Sid), row.Id })).ToHashSet(StringComparer.Ordinal);
        var unowned = candidates.Where(c => !owned.Contains(c.Sid)).ToList();
        if (unowned.Count > 1)
            logger.LogWarning("Outbox entry {EntryId}: {Count} messages at Twilio match and none is claimed; taking the oldest", entry.Id, unowned.Count);
        return unowned.FirstOrDefault();
    }
}

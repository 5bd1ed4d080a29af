using App.Features.Communication;
using App.Features.Communication.Outbox;
using App.Features.Spend;

namespace App.Features.Campaigns;

/// <summary>
/// POST /api/campaigns/{id}/cancel: nothing more of the campaign goes out. Rows not yet handed to the outbox stay
/// unsent, and outbox entries no worker has taken are withdrawn (their history rows become "canceled"), in the same
/// transaction that marks the campaign cancelled. A send already on its way to Twilio finishes. Cancelling again
/// answers the campaign as it is.
/// </summary>
public static class CancelCampaign
{
    public sealed record Cancelled(Campaign.View Campaign, long Withdrawn);

    public static async Task<IResult> Handle(long id, CurrentTenant tenant, Db db, WriteBatcher writes, TenantDirectory directory, SpendCaps spendCaps, TimeProvider time,
        HttpContext http, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var campaign = await Campaign.FindAsync(connection, tenant.Id, id);
        if (campaign is null) return Campaign.NotFound();
        if (campaign.State == Campaign.Completed)
            return Api.Error(StatusCodes.Status409Conflict, ErrorCodes.CampaignStateConflict, "Every row of the campaign has been sent already; there is nothing left to cancel.");

        long withdrawn = 0;
        if (campaign.State is Campaign.Draft or Campaign.Running)
        {
            try
            {
                withdrawn = await writes.WriteAsync(async (write, transaction) =>
                {
                    var now = Db.Timestamp(time.GetUtcNow());
                    var changed = await write.ExecuteAsync("""
                        UPDATE campaigns SET state = 'cancelled', cancelled_at = @now, updated_at = @now
                        WHERE id = @id AND tenant_id = @tenantId AND state IN ('draft', 'running')
                        """, new { id, tenantId = tenant.Id, now }, transaction);
                    if (changed == 0) return 0L;

                    var pending = (await write.QueryAsync<long>("""
                        SELECT r.log_id FROM campaign_rows r JOIN outbox o ON o.log_id = r.log_id
                        WHERE r.campaign_id = @id AND o.state = 'pending'
                        """, new { id }, transaction)).AsList();
                    var logIds = pending.Count == 0 ? [] : await OutboxEntries.WithdrawPendingAsync(write, transaction, pending);
                    foreach (var logId in logIds)
                    {
                        await CommunicationLog.ApplyAsync(write, logId, campaign.Channel, new CommunicationLog.StatusChange("canceled", "campaign",
                            $"campaign:log{logId}:canceled", ErrorMessage: "The campaign was cancelled before this was sent."), transaction);
                    }

                    return logIds.Count;
                });
            }
            catch (WriteBatcher.StoppedException)
            {
                return Campaign.ShuttingDown(http);
            }
        }

        var settings = await directory.SettingsAsync(tenant.Id, ct) ?? new TenantSettings();
        var view = await Campaign.ViewAsync(connection, (await Campaign.FindAsync(connection, tenant.Id, id))!, settings, spendCaps, time.GetUtcNow());
        return Api.Ok(new Cancelled(view, withdrawn),
            $"Campaign cancelled: {view.Progress.Waiting + withdrawn:N0} rows will not be sent; {view.Progress.Queued - withdrawn:N0} had gone out already.");
    }
}

using App.Twilio;
using App.Features.Spend;

namespace App.Features.Campaigns;

/// <summary>
/// POST /api/campaigns/{id}/start: draft → running; <see cref="CampaignQueue"/> then hands the valid rows to the outbox
/// at the tenant's pace. Starting again changes nothing and answers the campaign as it is (a client that retries after
/// a lost answer sends nothing twice); a cancelled campaign cannot be started.
/// </summary>
public static class StartCampaign
{
    public static async Task<IResult> Handle(long id, CurrentTenant tenant, Db db, WriteBatcher writes, TenantDirectory directory,
        TwilioAccounts accounts, CampaignSignal signal, SpendCaps spendCaps, TimeProvider time, IHostApplicationLifetime lifetime, HttpContext http, CancellationToken ct)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested) return Campaign.ShuttingDown(http);
        await using var connection = await db.OpenAsync(ct);
        var campaign = await Campaign.FindAsync(connection, tenant.Id, id);
        if (campaign is null) return Campaign.NotFound();
        if (campaign.State == Campaign.Cancelled)
            return Api.Error(StatusCodes.Status409Conflict, ErrorCodes.CampaignStateConflict, "The campaign was cancelled; upload the spreadsheet again to send it.");
        if ((await Campaign.CheckSenderAsync(tenant, campaign.Channel, accounts, ct)).Refusal is { } cannotSend) return cannotSend;

        var started = false;
        if (campaign.State == Campaign.Draft)
        {
            try
            {
                started = await writes.WriteAsync(async (write, transaction) => await write.ExecuteAsync("""
                    UPDATE campaigns SET state = 'running', started_at = @now, updated_at = @now
                    WHERE id = @id AND tenant_id = @tenantId AND state = 'draft'
                    """, new { id, tenantId = tenant.Id, now = Db.Timestamp(time.GetUtcNow()) }, transaction) == 1);
            }
            catch (WriteBatcher.StoppedException)
            {
                return Campaign.ShuttingDown(http);
            }

            signal.Notify();
        }

        var settings = await directory.SettingsAsync(tenant.Id, ct) ?? new TenantSettings();
        var view = await Campaign.ViewAsync(connection, (await Campaign.FindAsync(connection, tenant.Id, id))!, settings, spendCaps, time.GetUtcNow());
        var message = !started ? $"The campaign is already {view.State}; nothing was queued twice."
            : view.NextSendAt is { } next && next > time.GetUtcNow().AddSeconds(5)
                ? $"Campaign started; its first rows go at {Sending.SendTime.Describe(next)} ({(view.QuietHoursNow ? "quiet hours" : "send_at")})."
                : "Campaign started; rows are being sent at the tenant's pace.";
        return Api.Ok(view, message);
    }
}

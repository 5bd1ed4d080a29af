using System.Security.Cryptography;
using System.Text.Json;
using App.Features.Communication;
using App.Features.Communication.Outbox;
using App.Features.Sending;
using App.Features.Spend;
using App.Features.VoiceMessages;
using App.Twilio;
using Microsoft.Extensions.Options;

namespace App.Features.Campaigns;

/// <summary>
/// The one place where campaign rows become sends. A running campaign's rows are handed to the durable outbox a few at
/// a time: only as many as the tenant's pacing (Outbox:TenantSendsPerSecond) sends in Campaigns:LeadSeconds, counting
/// the tenant's one-off sends already waiting there; none before the campaign's send_at or inside the tenant's quiet
/// hours. The outbox then claims one-off sends before campaign rows, so a campaign never holds up a message a person
/// just sent, and cancelling stops a campaign within seconds.
/// Each row is queued exactly once: its communication_log row, outbox entry and campaign_rows.log_id are written in
/// one transaction, and only while the campaign is still running. A restart resumes with the rows that have no log_id;
/// from the outbox on, the outbox's own exactly-once rules apply.
/// </summary>
public sealed class CampaignQueue(
    Db db,
    WriteBatcher writes,
    TenantDirectory directory,
    OutboxSignal outbox,
    SpendCaps spendCaps,
    IServiceProvider services,
    TimeProvider time,
    IOptions<CampaignOptions> options,
    IOptions<OutboxOptions> outboxOptions,
    ILogger<CampaignQueue> logger)
{
    private sealed class Waiting
    {
        public int RowNumber { get; init; }
        public string ToNumber { get; init; } = "";
        public string Variables { get; init; } = "{}";
    }

    /// <summary>Rows of one campaign per transaction: the writer is shared with every send and callback.</summary>
    private const int MaxRowsPerWrite = 500;

    /// <summary>A row ready to be written: its log row, and for a call the TwiML document it plays.</summary>
    private sealed record Ready(int RowNumber, CommunicationLog.NewRow Log, string? DocumentId, string? Twiml);

    /// <summary>One pass over every running campaign; the number of rows handed to the outbox.</summary>
    public async Task<int> FeedAsync(CancellationToken cancellationToken)
    {
        List<Campaign.Row> running;
        await using (var connection = await db.OpenAsync(cancellationToken))
        {
            running = (await connection.QueryAsync<Campaign.Row>(
                $"SELECT {Campaign.Columns} FROM campaigns WHERE state = 'running' ORDER BY started_at, id")).AsList();
        }

        var queued = 0;
        var room = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var campaign in running)
        {
            var settings = await directory.SettingsAsync(campaign.TenantId, cancellationToken);
            if (settings is null) continue; // the tenant was disabled: its campaigns wait
            var now = time.GetUtcNow();
            var lead = TimeSpan.FromSeconds(options.Value.LeadSeconds);
            if (campaign.SendAt > now || QuietHours.IsQuiet(settings, now) || QuietHours.IsQuiet(settings, now + lead)) continue;

            if (!room.TryGetValue(campaign.TenantId, out var free)) free = await RoomInOutboxAsync(campaign.TenantId, now, cancellationToken);
            if (free <= 0)
            {
                room[campaign.TenantId] = 0;
                continue;
            }

            var rows = await NextRowsAsync(campaign.Id, Math.Min(free, MaxRowsPerWrite), cancellationToken);
            if (rows.Count == 0)
            {
                await CompleteIfDoneAsync(campaign.Id);
                continue;
            }

            var limit = await spendCaps.LimitForAsync(campaign.TenantId, cancellationToken);
            var ready = await PrepareAsync(campaign, rows, cancellationToken);
            var written = await WriteAsync(campaign, ready, limit, now);
            room[campaign.TenantId] = free - written;
            queued += written;
        }

        if (queued > 0) outbox.Notify();
        return queued;
    }

    /// <summary>How many more entries the tenant's share of the outbox takes now: its pace times the lead, less what is due and unsettled.</summary>
    private async Task<int> RoomInOutboxAsync(string tenantId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var target = (int)Math.Ceiling(Math.Max(0.1, outboxOptions.Value.TenantSendsPerSecond) * options.Value.LeadSeconds);
        await using var connection = await db.OpenAsync(cancellationToken);
        var unsettled = await connection.ExecuteScalarAsync<int>($"""
            SELECT COUNT(*) FROM outbox WHERE state IN {OutboxEntries.UnsettledStates} AND due_at <= @now AND tenant_id = @tenantId
            """, new { tenantId, now = Db.Timestamp(now) });
        return Math.Max(1, target) - unsettled;
    }

    private async Task<List<Waiting>> NextRowsAsync(long campaignId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<Waiting>("""
            SELECT row_number, to_number, variables FROM campaign_rows
            WHERE campaign_id = @campaignId AND problem_code IS NULL AND log_id IS NULL AND skipped IS NULL
            ORDER BY row_number LIMIT @limit
            """, new { campaignId, limit })).AsList();
    }

    /// <summary>Fills in each row's variables: the SMS text, or the call's TwiML (with a fresh play URL for the voice message's file).</summary>
    private async Task<List<Ready>> PrepareAsync(Campaign.Row campaign, List<Waiting> rows, CancellationToken cancellationToken)
    {
        VoiceScript.Template? voice = null;
        string? playUrl = null;
        if (campaign.VoiceMessageId is { } voiceMessageId)
        {
            await using var connection = await db.OpenAsync(cancellationToken);
            voice = await VoiceScript.FindAsync(connection, campaign.TenantId, voiceMessageId, ct: cancellationToken);
            if (voice is not null) playUrl = await VoiceScript.PlayUrlAsync(services, campaign.TenantId, voice, cancellationToken);
        }

        var ready = new List<Ready>(rows.Count);
        var createdBy = $"campaign:{campaign.Id}";
        foreach (var row in rows)
        {
            var values = JsonSerializer.Deserialize<Dictionary<string, string>>(row.Variables) ?? [];
            if (campaign.Channel == "sms")
            {
                var body = TemplateVariables.Render(campaign.Message!, values).Text!;
                var segments = SmsSegments.Count(body);
                ready.Add(new Ready(row.RowNumber, new CommunicationLog.NewRow(campaign.TenantId, "sms", "outbound", row.ToNumber, campaign.FromNumber,
                    body, Statuses.Queued, Segments: segments.Segments, Encoding: segments.Encoding, CreatedBy: createdBy), null, null));
                continue;
            }

            // The voice message was deleted or its text no longer renders: the row fails in the history rather than vanish.
            var script = voice is null ? null : VoiceScript.Render(voice, values, playUrl);
            var documentId = ApiKeys.Base64Url(RandomNumberGenerator.GetBytes(16));
            var text = voice is null ? null : TemplateVariables.Render(voice.VoiceText, values).Text;
            ready.Add(new Ready(row.RowNumber, new CommunicationLog.NewRow(campaign.TenantId, "call", "outbound", row.ToNumber, campaign.FromNumber,
                text, script?.IsSuccess == true ? Statuses.Queued : Statuses.Failed, XmlFileName: documentId, VoiceMessageId: campaign.VoiceMessageId,
                CreatedBy: createdBy), documentId, script?.Twiml));
        }

        return ready;
    }

    /// <summary>
    /// One transaction for the rows: the campaign must still be running (a cancel committed first stops it here), a
    /// number that opted out since the check is skipped, and every other row gets its log row, its outbox entry and its
    /// log_id together. Under a monthly spend cap only the rows whose estimates still fit are written, in order; the
    /// rest wait (the campaign shows held_by_spend_cap) until the cap is raised or the month ends.
    /// </summary>
    private async Task<int> WriteAsync(Campaign.Row campaign, List<Ready> ready, SpendLimit? limit, DateTimeOffset dueAt)
    {
        try
        {
            return await writes.WriteAsync(async (connection, transaction) =>
            {
                var state = await connection.ExecuteScalarAsync<string?>("SELECT state FROM campaigns WHERE id = @Id", new { campaign.Id }, transaction);
                if (state != Campaign.Running) return 0;

                var roomMicros = long.MaxValue;
                if (limit?.Check(connection, transaction, 0) is { } spend) roomMicros = Micros.From(spend.CapUsd - spend.SpentUsd);

                var queued = 0;
                foreach (var row in ready)
                {
                    if (row.Log.Status == Statuses.Queued)
                    {
                        var estimate = spendCaps.Estimate(row.Log.Channel, row.Log.Segments);
                        if (estimate > roomMicros) break;
                        roomMicros -= estimate;
                    }

                    if (await OptOutList.ContainsAsync(connection, campaign.TenantId, row.Log.To, transaction))
                    {
                        PreparedStatements.Execute(connection, transaction,
                            "UPDATE campaign_rows SET skipped = 'opted_out' WHERE campaign_id = @Id AND row_number = @RowNumber AND log_id IS NULL",
                            new { campaign.Id, row.RowNumber });
                        continue;
                    }

                    if (row.Twiml is not null)
                    {
                        PreparedStatements.Execute(connection, transaction, """
                            INSERT INTO voice_xml (id, tenant_id, xml_content, xml_filename, voice_message_id)
                            VALUES (@DocumentId, @TenantId, @Twiml, @FileName, @VoiceMessageId)
                            """, new { row.DocumentId, campaign.TenantId, row.Twiml, FileName = row.DocumentId + ".xml", campaign.VoiceMessageId });
                    }

                    var logId = (await CommunicationLog.InsertAsync(connection, transaction, row.Log, "campaign"))!.Value;
                    if (row.Log.Status == Statuses.Queued)
                    {
                        await OutboxEntries.EnqueueAsync(connection, transaction, campaign.TenantId, logId, row.Log.Channel, dueAt, row.Log.To, row.Log.From,
                            row.Log.Channel == "sms" ? row.Log.Content : null, OutboxEntries.CampaignPriority);
                    }

                    var claimed = PreparedStatements.Execute(connection, transaction,
                        "UPDATE campaign_rows SET log_id = @logId WHERE campaign_id = @Id AND row_number = @RowNumber AND log_id IS NULL",
                        new { logId, campaign.Id, row.RowNumber });
                    if (claimed != 1) throw new InvalidOperationException($"Campaign {campaign.Id} row {row.RowNumber} was queued already.");
                    queued++;
                }

                return queued;
            });
        }
        catch (InvalidOperationException error) when (error is not WriteBatcher.StoppedException)
        {
            logger.LogError(error, "Campaign {CampaignId}: rows not queued; trying again on the next pass", campaign.Id);
            return 0;
        }
    }

    /// <summary>Running → completed once no row waits and every queued row has left the outbox.</summary>
    private Task<int> CompleteIfDoneAsync(long campaignId) =>
        writes.WriteAsync((connection, transaction) => connection.ExecuteAsync($"""
            UPDATE campaigns SET state = 'completed', completed_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
            WHERE id = @campaignId AND state = 'running'
              AND NOT EXISTS (SELECT 1 FROM campaign_rows WHERE campaign_id = @campaignId AND problem_code IS NULL AND log_id IS NULL AND skipped IS NULL)
              AND NOT EXISTS (SELECT 1 FROM campaign_rows r JOIN outbox o ON o.log_id = r.log_id
                              WHERE r.campaign_id = @campaignId AND o.state IN {OutboxEntries.UnsettledStates})
            """, new { campaignId }, transaction));
}

/// <summary>Wakes the dispatcher at once when a campaign starts.</summary>
public sealed class CampaignSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try { _signal.Release(); }
        catch (SemaphoreFullException) { /* already signalled */ }
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try { await _signal.WaitAsync(timeout, cancellationToken); }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
    }

    public void Dispose() => _signal.Dispose();
}

/// <summary>Runs <see cref="CampaignQueue.FeedAsync"/> every Campaigns:PollIntervalMs, or at once when a campaign starts.</summary>
public sealed class CampaignDispatcher(CampaignQueue queue, CampaignSignal signal, IOptions<CampaignOptions> options, IOptions<OutboxOptions> outbox,
    ILogger<CampaignDispatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Without the outbox worker nothing would drain what is queued (tests that check acceptance only turn it off).
        if (!outbox.Value.Enabled) return;
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Rows were queued: there may be room for more at once (a fast pace, several campaigns).
                if (await queue.FeedAsync(stoppingToken) == 0)
                    await signal.WaitAsync(TimeSpan.FromMilliseconds(options.Value.PollIntervalMs), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (WriteBatcher.StoppedException)
            {
                break;
            }
            catch (Exception error) when (error is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or JsonException)
            {
                logger.LogError(error, "Campaign pass failed; retrying shortly");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }
}

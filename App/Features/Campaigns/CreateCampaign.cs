using System.Text.Json;
using App.Features.Communication;
using App.Features.Spend;
using App.Features.VoiceMessages;
using App.Twilio;
using Microsoft.Extensions.Options;

namespace App.Features.Campaigns;

/// <summary>
/// POST /api/campaigns (multipart/form-data, see <see cref="CampaignForm"/>): the spreadsheet as CSV, a name, and an
/// SMS template or a voice message. Checks every row (see <see cref="RowCheck"/>) and answers 201 with the campaign in
/// state draft and its report: counts by problem, the first refused rows, and a preview of the first messages with
/// their values filled in. Nothing is sent until POST /api/campaigns/{id}/start.
/// The file is streamed to a temporary file, then read row by row and stored a thousand rows per write
/// (<see cref="CampaignRowStore"/>), so memory stays flat. The campaign stays invisible (state checking) until every
/// row is stored; a refused file leaves nothing behind.
/// </summary>
public static class CreateCampaign
{
    public const int PreviewRows = 5;
    public const int ReportedProblems = 100;

    public sealed record Preview(int Line, string To, string Text, int? Segments);

    public sealed record ProblemRow(int Line, string ToInput, string Code, string Problem);

    public sealed record Report(IReadOnlyList<Preview> Preview, IReadOnlyList<ProblemRow> Problems, string Separator);

    public sealed record Created(Campaign.View Campaign, Report Report);

    public static async Task<IResult> Handle(HttpContext http, CurrentTenant tenant, Db db, WriteBatcher writes, TenantDirectory directory,
        TwilioAccounts accounts, CampaignPrices prices, DataDirectory data, SpendCaps spendCaps, TimeProvider time, IOptions<CampaignOptions> options,
        IHostApplicationLifetime lifetime, CancellationToken ct)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested) return Campaign.ShuttingDown(http);
        var limits = options.Value;
        var tempPath = Path.Combine(data.Path, "campaign-uploads", Guid.NewGuid().ToString("N") + ".csv");
        try
        {
            var form = await MultipartForm.ReadAsync(http, CampaignForm.Rules(limits.MaxFileBytes), tempPath, ct);
            if (form.Refusal is { } refused) return refused;
            var (fields, problem) = CampaignForm.Check(form, time.GetUtcNow());
            if (problem is not null) return problem;

            var (account, cannotSend) = await Campaign.CheckSenderAsync(tenant, fields!.Channel, accounts, ct);
            if (cannotSend is not null) return cannotSend;

            var template = fields.Message;
            if (fields.VoiceMessageId is { } voiceMessageId)
            {
                await using var connection = await db.OpenAsync(ct);
                var voice = await VoiceScript.FindAsync(connection, tenant.Id, voiceMessageId, ct: ct);
                if (voice is null) return Validation.Problem("voice_message_id", "No active voice message of this tenant has this id.");
                template = voice.VoiceText;
            }

            var settings = await directory.SettingsAsync(tenant.Id, ct) ?? new TenantSettings();
            return await CheckAndStoreAsync(tenant, db, writes, settings, prices, spendCaps, limits, time, tempPath, form.FileName, fields, template!,
                account!.FromNumber!, ct);
        }
        catch (WriteBatcher.StoppedException)
        {
            return Campaign.ShuttingDown(http);
        }
        finally
        {
            if (File.Exists(tempPath)) File.Delete(tempPath);
        }
    }

    private static async Task<IResult> CheckAndStoreAsync(CurrentTenant tenant, Db db, WriteBatcher writes, TenantSettings settings,
        CampaignPrices prices, SpendCaps spendCaps, CampaignOptions limits, TimeProvider time, string path, string? fileName, CampaignForm.Fields fields,
        string template, string fromNumber, CancellationToken ct)
    {
        CampaignCsv csv;
        try
        {
            csv = CampaignCsv.Open(path);
        }
        catch (CampaignCsv.RefusedException refused)
        {
            return Validation.Problem("file", refused.Message);
        }

        using (csv)
        {
            var missingColumns = TemplateVariables.ExtractNames(template)
                .Where(name => !csv.Variables.Contains(name, StringComparer.OrdinalIgnoreCase)).ToList();
            if (missingColumns.Count > 0)
            {
                return Validation.Problem("file",
                    $"The message uses {string.Join(", ", missingColumns.Select(n => "{{" + n + "}}"))} but the file has no column of that name (it has {string.Join(", ", csv.Variables.Prepend(CampaignCsv.ToColumn).Select(c => "'" + c + "'"))}).");
            }

            HashSet<string> optedOut;
            await using (var connection = await db.OpenAsync(ct))
                optedOut = await OptOutList.NumbersAsync(connection, tenant.Id);

            var campaignId = await writes.WriteAsync((connection, transaction) => connection.ExecuteScalarAsync<long>("""
                INSERT INTO campaigns (tenant_id, name, channel, message, voice_message_id, from_number, send_at, file_name, separator, columns, created_by)
                VALUES (@TenantId, @Name, @Channel, @Message, @VoiceMessageId, @FromNumber, @SendAt, @FileName, @Separator, @Columns, @CreatedBy)
                RETURNING id
                """, new
            {
                TenantId = tenant.Id, fields.Name, fields.Channel, fields.Message, fields.VoiceMessageId, FromNumber = fromNumber,
                SendAt = fields.SendAt is { } at ? Db.Timestamp(at) : null, FileName = fileName, Separator = csv.Separator.ToString(),
                Columns = JsonSerializer.Serialize(csv.Variables), CreatedBy = $"{tenant.Actor.Type}:{tenant.Actor.Name}",
            }, transaction));

            var check = new RowCheck(fields.Channel, template, settings.DefaultRegion, optedOut);
            var (rows, valid, segments, preview, problems, refusal) =
                await CampaignRowStore.CheckAndStoreAsync(writes, campaignId, csv, check, template, limits.MaxRows, ct);
            if (refusal is not null) return refusal;

            var cost = fields.Channel == "sms" ? segments * prices.PerSmsSegment : valid * prices.PerCallMinute;
            await writes.WriteAsync((connection, transaction) => connection.ExecuteAsync("""
                UPDATE campaigns SET state = 'draft', rows_total = @rows, rows_valid = @valid, segments_total = @segments, estimated_cost = @cost,
                                     updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
                WHERE id = @campaignId
                """, new { campaignId, rows, valid, segments, cost = (double)cost }, transaction));

            await using var reading = await db.OpenAsync(ct);
            var stored = (await Campaign.FindAsync(reading, tenant.Id, campaignId))!;
            var view = await Campaign.ViewAsync(reading, stored, settings, spendCaps, time.GetUtcNow());
            var message = valid == rows
                ? $"{rows:N0} rows checked, all of them can be sent. Nothing is sent until the campaign is started."
                : $"{rows:N0} rows checked: {valid:N0} can be sent, {rows - valid:N0} {(rows - valid == 1 ? "has" : "have")} a problem and will be left out. Nothing is sent until the campaign is started.";
            return Api.Created($"/api/campaigns/{campaignId}",
                new Created(view, new Report(preview, problems, csv.Separator == ';' ? "semicolon" : csv.Separator == '\t' ? "tab" : "comma")), message);
        }
    }
}

using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using App.Features.VoiceMessages;
using App.Twilio;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using App.Features.Spend;

namespace App.Features.Campaigns;

/// <summary>
/// POST /api/campaigns (multipart/form-data): <c>file</c> (the spreadsheet as CSV), <c>name</c>, and <c>message</c> (an
/// SMS template) or <c>voice_message_id</c> (a call), optional <c>send_at</c> (not before). Checks every row (see
/// <see cref="RowCheck"/>) and answers 201 with the campaign in state draft and its report: counts by problem, the
/// first refused rows, and a preview of the first messages with their values filled in. Nothing is sent until
/// POST /api/campaigns/{id}/start.
/// The file is streamed to a temporary file, then read row by row and stored a thousand rows per write, so memory stays
/// flat. The campaign stays invisible (state checking) until every row is stored; a refused file leaves nothing behind.
/// </summary>
public static class CreateCampaign
{
    public const int PreviewRows = 5;
    public const int ReportedProblems = 100;
    private const int RowsPerWrite = 1000;
    private const int MaxFieldLength = 16 * 1024;
    private const long MultipartAllowance = 256 * 1024;

    public sealed record Preview(int Line, string To, string Text, int? Segments);

    public sealed record ProblemRow(int Line, string ToInput, string Code, string Problem);

    public sealed record Report(IReadOnlyList<Preview> Preview, IReadOnlyList<ProblemRow> Problems, string Separator);

    public sealed record Created(Campaign.View Campaign, Report Report);

    private sealed class Form
    {
        public bool HasFile { get; set; }
        public string? FileName { get; set; }
        public Dictionary<string, string> Fields { get; } = new(StringComparer.Ordinal);
    }

    public static async Task<IResult> Handle(HttpContext http, CurrentTenant tenant, Db db, WriteBatcher writes, TenantDirectory directory,
        TwilioAccounts accounts, CampaignPrices prices, DataDirectory data, SpendCaps spendCaps, TimeProvider time, IOptions<CampaignOptions> options,
        IHostApplicationLifetime lifetime, CancellationToken ct)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested) return ShuttingDown(http);
        var limits = options.Value;
        var boundary = Boundary(http.Request.ContentType);
        if (boundary is null)
            return Api.Error(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType,
                "Send the campaign as multipart/form-data: the spreadsheet (CSV) in a part named 'file', with 'name' and 'message' or 'voice_message_id'.");
        if (http.Request.ContentLength > limits.MaxFileBytes + MultipartAllowance) return TooLarge(http, limits.MaxFileBytes);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
            bodyLimit.MaxRequestBodySize = limits.MaxFileBytes + MultipartAllowance;

        var uploads = Path.Combine(data.Path, "campaign-uploads");
        Directory.CreateDirectory(uploads);
        var tempPath = Path.Combine(uploads, Guid.NewGuid().ToString("N") + ".csv");
        try
        {
            var form = new Form();
            try
            {
                if (await ReadFormAsync(http, boundary, tempPath, limits.MaxFileBytes, form, ct) is { } refused) return refused;
            }
            catch (InvalidDataException malformed)
            {
                return Api.Error(StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, "The multipart body is malformed: " + malformed.Message);
            }
            catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return TooLarge(http, limits.MaxFileBytes);
            }
            catch (IOException) when (!http.RequestAborted.IsCancellationRequested)
            {
                return Api.Error(StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, "The upload ended before the multipart body was complete.");
            }

            var (fields, problem) = ReadFields(form, time.GetUtcNow());
            if (problem is not null) return problem;
            if (fields!.Channel == "call" && !tenant.Actor.Can(Permissions.SendVoice))
                return Api.Error(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "Sending calls needs the send_voice permission.");

            var account = await accounts.FindAsync(tenant.Id, ct);
            if (account?.MissingConfiguration is { } missing)
                return Api.Error(StatusCodes.Status422UnprocessableEntity, ErrorCodes.TwilioNotConfigured, missing);

            var template = fields.Message;
            if (fields.VoiceMessageId is { } voiceMessageId)
            {
                await using var connection = await db.OpenAsync(ct);
                var voice = await VoiceScript.FindAsync(connection, tenant.Id, voiceMessageId, ct: ct);
                if (voice is null) return Validation.Problem("voice_message_id", "No active voice message of this tenant has this id.");
                template = voice.VoiceText;
            }

            var settings = await directory.SettingsAsync(tenant.Id, ct) ?? new TenantSettings();
            return await CheckAndStoreAsync(http, tenant, db, writes, settings, prices, spendCaps, limits, time, tempPath, form.FileName, fields, template!,
                account!.FromNumber!, ct);
        }
        catch (WriteBatcher.StoppedException)
        {
            return ShuttingDown(http);
        }
        finally
        {
            if (File.Exists(tempPath)) File.Delete(tempPath);
        }
    }

    private static async Task<IResult> CheckAndStoreAsync(HttpContext http, CurrentTenant tenant, Db db, WriteBatcher writes, TenantSettings settings,
        CampaignPrices prices, SpendCaps spendCaps, CampaignOptions limits, TimeProvider time, string path, string? fileName, Fields fields, string template,
        string fromNumber, CancellationToken ct)
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
                optedOut = (await connection.QueryAsync<string>("SELECT phone_number FROM opt_outs WHERE tenant_id = @Id", new { tenant.Id })).ToHashSet(StringComparer.Ordinal);

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
            var preview = new List<Preview>();
            var problems = new List<ProblemRow>();
            var batch = new List<StoredRow>(RowsPerWrite);
            long rows = 0, valid = 0, segments = 0;
            try
            {
                foreach (var row in csv.Rows())
                {
                    ct.ThrowIfCancellationRequested();
                    if (++rows > limits.MaxRows)
                        throw new CampaignCsv.RefusedException($"The file has more than {limits.MaxRows:N0} rows; split it into several campaigns.");
                    var outcome = check.Check(row);
                    if (outcome.ProblemCode is null)
                    {
                        valid++;
                        segments += outcome.Segments ?? 0;
                        if (preview.Count < PreviewRows)
                            preview.Add(new Preview(row.Line, outcome.To!, TemplateVariables.Render(template, row.Values).Text!, outcome.Segments));
                    }
                    else if (problems.Count < ReportedProblems)
                    {
                        problems.Add(new ProblemRow(row.Line, row.To, outcome.ProblemCode, outcome.Problem!));
                    }

                    batch.Add(new StoredRow(campaignId, row.Line, row.To, outcome.To, JsonSerializer.Serialize(row.Values), outcome.ProblemCode,
                        outcome.Problem, outcome.Segments));
                    if (batch.Count == RowsPerWrite) await StoreAsync(writes, batch);
                }

                await StoreAsync(writes, batch);
                if (rows == 0) throw new CampaignCsv.RefusedException("The file has a header line but no rows below it.");
            }
            catch (Exception refusal) when (refusal is CampaignCsv.RefusedException or OperationCanceledException)
            {
                await writes.WriteAsync((connection, transaction) => connection.ExecuteAsync("DELETE FROM campaigns WHERE id = @campaignId", new { campaignId }, transaction));
                if (refusal is CampaignCsv.RefusedException) return Validation.Problem("file", refusal.Message);
                throw;
            }

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

    private sealed record StoredRow(long CampaignId, int RowNumber, string ToInput, string? ToNumber, string Variables, string? ProblemCode,
        string? Problem, int? Segments);

    private static async Task StoreAsync(WriteBatcher writes, List<StoredRow> batch)
    {
        if (batch.Count == 0) return;
        var rows = batch.ToArray();
        batch.Clear();
        await writes.WriteAsync((connection, transaction) =>
        {
            foreach (var row in rows)
            {
                PreparedStatements.Execute(connection, transaction, """
                    INSERT INTO campaign_rows (campaign_id, row_number, to_input, to_number, variables, problem_code, problem, segments)
                    VALUES (@CampaignId, @RowNumber, @ToInput, @ToNumber, @Variables, @ProblemCode, @Problem, @Segments)
                    """, row);
            }

            return Task.CompletedTask;
        });
    }

    private sealed record Fields(string Name, string Channel, string? Message, long? VoiceMessageId, DateTimeOffset? SendAt);

    private static (Fields? Fields, IResult? Problem) ReadFields(Form form, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!form.HasFile) errors["file"] = ["Attach the spreadsheet (CSV) in a part named 'file'."];

        var name = form.Fields.GetValueOrDefault("name")?.Trim();
        if (string.IsNullOrEmpty(name)) errors["name"] = ["'name' is required: what the campaign is, e.g. 'Reminders for Tuesday'."];
        else if (name.Length > 100) errors["name"] = ["The name can be at most 100 characters."];

        var message = form.Fields.GetValueOrDefault("message");
        var voiceText = form.Fields.GetValueOrDefault("voice_message_id")?.Trim();
        long? voiceMessageId = null;
        if (string.IsNullOrWhiteSpace(message) == string.IsNullOrEmpty(voiceText))
        {
            errors["message"] = ["Give either 'message' (an SMS) or 'voice_message_id' (a call), not both."];
        }
        else if (!string.IsNullOrEmpty(voiceText))
        {
            if (long.TryParse(voiceText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0) voiceMessageId = id;
            else errors["voice_message_id"] = ["'voice_message_id' is the id of a voice message."];
        }
        else if (message!.Length > TwilioRequestRules.MaxBodyLength)
        {
            errors["message"] = [$"The message is longer than Twilio's {TwilioRequestRules.MaxBodyLength} characters."];
        }
        else if (TemplateVariables.Validate(message) is { Count: > 0 } malformed)
        {
            errors["message"] = ["Malformed placeholder(s): " + string.Join(", ", malformed) + ". Use {{name}}."];
        }

        DateTimeOffset? sendAt = null;
        if (form.Fields.GetValueOrDefault("send_at") is { Length: > 0 } sendAtText)
        {
            if (!DateTimeOffset.TryParse(sendAtText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                errors["send_at"] = ["'send_at' is an ISO-8601 time, e.g. 2026-03-02T08:30:00Z."];
            else if (at < now.AddMinutes(-5)) errors["send_at"] = ["'send_at' is in the past."];
            else if (at > now.AddDays(35)) errors["send_at"] = ["'send_at' can be at most 35 days ahead."];
            else sendAt = at;
        }

        if (errors.Count > 0) return (null, Validation.Problem(errors));
        return (new Fields(name!, voiceMessageId is null ? "sms" : "call", voiceMessageId is null ? message : null, voiceMessageId, sendAt), null);
    }

    private static string? Boundary(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return null;
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        return string.IsNullOrWhiteSpace(boundary) || boundary.Length > 200 ? null : boundary;
    }

    private static async Task<IResult?> ReadFormAsync(HttpContext http, string boundary, string tempPath, long maxBytes, Form form, CancellationToken ct)
    {
        var reader = new MultipartReader(boundary, http.Request.Body, bufferSize: 64 * 1024) { HeadersLengthLimit = 16 * 1024, HeadersCountLimit = 16 };
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                continue;
            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
            if (name == "file")
            {
                if (form.HasFile) return Validation.Problem("file", "Send one spreadsheet per campaign.");
                form.HasFile = true;
                form.FileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                if (!await CopyAsync(section.Body, tempPath, maxBytes, ct)) return TooLarge(http, maxBytes);
            }
            else if (name is "name" or "message" or "voice_message_id" or "send_at")
            {
                var value = await ReadFieldAsync(section.Body, ct);
                if (value is null) return Validation.Problem(name, $"'{name}' is too long.");
                form.Fields[name] = value;
            }
        }

        return null;
    }

    private static async Task<bool> CopyAsync(Stream source, string tempPath, long maxBytes, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            await using var output = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
                if (total > maxBytes) return false;
                await output.WriteAsync(buffer.AsMemory(0, read), ct);
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<string?> ReadFieldAsync(Stream source, CancellationToken ct)
    {
        using var reader = new StreamReader(source, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true);
        var buffer = new char[MaxFieldLength + 1];
        var length = await reader.ReadBlockAsync(buffer.AsMemory(), ct);
        return length > MaxFieldLength ? null : new string(buffer, 0, length);
    }

    private static IResult TooLarge(HttpContext http, long maxBytes)
    {
        http.Response.Headers.Connection = "close";
        return Api.Error(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge,
            $"The spreadsheet is larger than the {maxBytes:N0} bytes allowed; split it into several campaigns.",
            new Dictionary<string, long> { ["max_bytes"] = maxBytes });
    }

    internal static IResult ShuttingDown(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "5";
        return Api.Error(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ShuttingDown, "The server is restarting; nothing was stored. Retry in a few seconds.");
    }
}

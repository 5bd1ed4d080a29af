using System.Globalization;
using System.Text.RegularExpressions;
using App.Features.Communication;
using App.Twilio;

namespace App.Features.Legacy;

/// <summary>
/// CallLog → communication history, marked imported (created_by <see cref="CreatedBy"/>): never sent or reconciled
/// again, counted in usage. Local times become UTC; a Twilio SID already in the tenant's history is not taken twice.
/// </summary>
internal static partial class ImportCallLog
{
    private const string Table = LegacyTables.CallLog;

    public const string CreatedBy = "legacy-import";

    public static async Task PlanAsync(ImportRun run)
    {
        var (source, report, clock, tenantId) = (run.Source, run.Report, run.Clock, run.TenantId);
        var counts = report.For(Table);
        var existing = await run.MigratedAsync("SELECT id, legacy_id, legacy_fingerprint FROM communication_log");
        var xmlVoices = source.Rows(LegacyTables.VoiceXml).Where(r => r.Text("XMLFileName") is not null && r.Number("VoiceID") is not null)
            .GroupBy(r => r.Text("XMLFileName")!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().Number("VoiceID")!.Value, StringComparer.OrdinalIgnoreCase);
        var sids = new HashSet<string>(StringComparer.Ordinal);

        foreach (var row in source.Rows(Table))
        {
            counts.Read++;
            if (row.Number("LogID") is not { } id)
            {
                run.Skip(Table, null, "no_id", "A CallLog row has no LogID; it was skipped.");
                continue;
            }

            var type = row.Text("NetworkType")?.Trim().ToLowerInvariant();
            if (type is not ("call" or "sms"))
            {
                run.Skip(Table, id, "unknown_network_type", $"NetworkType '{row.Text("NetworkType")}' is neither call nor sms; the row was skipped.");
                continue;
            }

            var sid = row.Text("TwilioSID")?.Trim();
            if (sid is not null && !sids.Add(sid))
            {
                run.Skip(Table, id, "duplicate_sid", $"Twilio SID {sid} appears on an earlier row too; this row was skipped.");
                continue;
            }

            if (sid is not null && await run.Connection.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM communication_log WHERE tenant_id = @tenantId AND twilio_sid = @sid AND legacy_id IS NULL", new { tenantId, sid }) > 0)
            {
                run.Skip(Table, id, "duplicate_sid", $"Twilio SID {sid} is already in the tenant's history; the row was skipped.");
                continue;
            }

            var message = row.Text("Message");
            var status = row.Text("Status")?.Trim().ToLowerInvariant();
            var rank = status is null ? 0 : Statuses.Rank(type, status);
            if (status is not null && rank < 0)
            {
                report.Add(Table, id, "unknown_status", $"Status '{status}' is not a Twilio {type} status; kept as it is.");
                rank = 0;
            }

            var cost = row.Amount("Cost");
            if (row.Unreadable("Cost", cost)) report.Add(Table, id, "unreadable_value", $"Cost '{row.Text("Cost")}' is not an amount; imported without a cost.");
            var duration = row.Number("Duration");
            if (row.Unreadable("Duration", duration)) report.Add(Table, id, "unreadable_value", $"Duration '{row.Text("Duration")}' is not a number of seconds; imported without one.");
            var error = row.Text("ErrorMessage");
            var created = clock.Utc(row, "Created", id);
            if (created is null)
            {
                run.Skip(Table, id, "no_date", "The row has no readable Created date; it was skipped.");
                continue;
            }

            var segments = type == "sms" && message is not null ? SmsSegments.Count(message) : (SmsSegmentInfo?)null;
            var xmlFile = row.Text("XMLFileName");
            var values = new Dictionary<string, object?>
            {
                ["tenant_id"] = tenantId,
                ["network_type"] = type,
                ["direction"] = "outbound",
                ["to_number"] = run.PhoneNumber(Table, id, "ToNumber", row.Text("ToNumber")) ?? "",
                ["from_number"] = run.PhoneNumber(Table, id, "FromNumber", row.Text("FromNumber")) ?? "",
                ["message_content"] = message,
                ["twilio_sid"] = sid,
                ["status"] = status,
                ["status_rank"] = rank,
                ["error_code"] = error is not null && ErrorCodePrefix().Match(error) is { Success: true } code
                    ? int.Parse(code.Groups[1].Value, CultureInfo.InvariantCulture) : null,
                ["error_message"] = error,
                ["xml_filename"] = xmlFile,
                ["cost_amount"] = cost,
                ["cost_currency"] = cost is null ? null : "USD",
                ["duration_seconds"] = duration,
                ["segments"] = segments?.Segments,
                ["encoding"] = segments?.Encoding,
                ["created_by"] = CreatedBy,
                ["created_at"] = created,
                ["updated_at"] = created,
            };
            var voiceId = xmlFile is not null && xmlVoices.TryGetValue(xmlFile, out var linked) ? linked : (long?)null;
            values["legacy_voice_id"] = voiceId;
            var previous = existing.GetValueOrDefault(id);
            var change = run.Decide(Table, id, values, previous, legacyVoiceId: voiceId);
            change?.Values.Remove("legacy_voice_id");
        }
    }

    /// <summary>An error message that starts with a five-digit Twilio code ("21211: ...") gives the row its error_code.</summary>
    [GeneratedRegex(@"^\s*(\d{5}):")]
    private static partial Regex ErrorCodePrefix();
}

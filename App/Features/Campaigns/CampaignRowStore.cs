using System.Text.Json;
using App.Twilio;

namespace App.Features.Campaigns;

/// <summary>
/// Checks a new campaign's spreadsheet row by row (<see cref="RowCheck"/>) and stores every row under the campaign,
/// a thousand rows per write, so memory stays flat however long the file. Keeps what the report shows: the first
/// previews and the first refused rows. A file that turns out unusable half-way (too many rows, none at all) or a
/// request that is given up removes the campaign again, so nothing is left behind.
/// </summary>
internal static class CampaignRowStore
{
    private const int RowsPerWrite = 1000;

    /// <param name="Refusal">Why the file cannot be used; the campaign was removed again.</param>
    public sealed record Checked(
        long Rows, long Valid, long Segments, IReadOnlyList<CreateCampaign.Preview> Preview, IReadOnlyList<CreateCampaign.ProblemRow> Problems,
        IResult? Refusal);

    private sealed record StoredRow(long CampaignId, int RowNumber, string ToInput, string? ToNumber, string Variables, string? ProblemCode,
        string? Problem, int? Segments);

    public static async Task<Checked> CheckAndStoreAsync(WriteBatcher writes, long campaignId, CampaignCsv csv, RowCheck check, string template,
        long maxRows, CancellationToken ct)
    {
        var preview = new List<CreateCampaign.Preview>();
        var problems = new List<CreateCampaign.ProblemRow>();
        var batch = new List<StoredRow>(RowsPerWrite);
        long rows = 0, valid = 0, segments = 0;
        try
        {
            foreach (var row in csv.Rows())
            {
                ct.ThrowIfCancellationRequested();
                if (++rows > maxRows)
                    throw new CampaignCsv.RefusedException($"The file has more than {maxRows:N0} rows; split it into several campaigns.");
                var outcome = check.Check(row);
                if (outcome.ProblemCode is null)
                {
                    valid++;
                    segments += outcome.Segments ?? 0;
                    if (preview.Count < CreateCampaign.PreviewRows)
                        preview.Add(new(row.Line, outcome.To!, TemplateVariables.Render(template, row.Values).Text!, outcome.Segments));
                }
                else if (problems.Count < CreateCampaign.ReportedProblems)
                {
                    problems.Add(new(row.Line, row.To, outcome.ProblemCode, outcome.Problem!));
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
            if (refusal is CampaignCsv.RefusedException) return new(rows, valid, segments, preview, problems, Validation.Problem("file", refusal.Message));
            throw;
        }

        return new(rows, valid, segments, preview, problems, null);
    }

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
}

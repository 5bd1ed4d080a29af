using System.Globalization;
using System.Text;

namespace App.Features.Communication;

/// <summary>Streams the rows as CSV (RFC 4180) straight from the database, never holding them all in memory.</summary>
internal sealed class HistoryCsv(Db db, string sql, DynamicParameters parameters, string fileName) : IResult
{
    private static readonly string[] Header =
    [
        "id", "created_at", "type", "direction", "from", "to", "status", "error_code", "error_message", "twilio_sid",
        "segments", "cost", "currency", "duration_seconds", "message",
    ];

    public async Task ExecuteAsync(HttpContext context)
    {
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 16 * 1024);
        await writer.WriteLineAsync(string.Join(',', Header));
        await using var connection = await db.OpenAsync(context.RequestAborted);
        var rows = connection.QueryUnbufferedAsync<HistoryItem>(sql, parameters);
        await foreach (var row in rows.WithCancellation(context.RequestAborted))
        {
            await writer.WriteLineAsync(string.Join(',',
                row.Id.ToString(CultureInfo.InvariantCulture),
                row.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                row.NetworkType, row.Direction, Field(row.FromNumber), Field(row.ToNumber), Field(row.Status),
                row.ErrorCode?.ToString(CultureInfo.InvariantCulture) ?? "", Text(row.ErrorMessage), Field(row.TwilioSid),
                row.Segments?.ToString(CultureInfo.InvariantCulture) ?? "",
                row.CostAmount?.ToString(CultureInfo.InvariantCulture) ?? "", Field(row.CostCurrency),
                row.DurationSeconds?.ToString(CultureInfo.InvariantCulture) ?? "", Text(row.MessageContent)));
        }
    }

    internal static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>Free text that a spreadsheet must not run as a formula (=, +, -, @ at the start).</summary>
    internal static string Text(string? value) =>
        string.IsNullOrEmpty(value) ? "" : Field(value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value);
}

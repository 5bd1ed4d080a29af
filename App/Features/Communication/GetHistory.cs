using System.Globalization;
using System.Text;
using App.Infrastructure.Database;
using App.Infrastructure.Phone;
using App.Infrastructure.Tenancy;
using App.Infrastructure.Web;
using Dapper;
using Microsoft.AspNetCore.Mvc;

namespace App.Features.Communication;

/// <summary>
/// GET /api/communication/history — newest first, paginated, filtered by type (sms|call), direction, status (one or a
/// comma-separated list), to/from number, date range (date_from, date_to; a plain date means the whole day, UTC) and
/// free text (q: message text, numbers, SID). <c>format=csv</c> streams every matching row as CSV instead.
/// </summary>
public static class GetHistory
{
    public sealed record Filters(string? Type, string? Direction, string? Status, string? To, string? From,
        string? DateFrom, string? DateTo, string? Q);

    public static async Task<IResult> Handle(
        string? type, string? direction, string? status, string? to, string? from,
        [FromQuery(Name = "date_from")] string? dateFrom, [FromQuery(Name = "date_to")] string? dateTo, string? q, string? format,
        int? page, [FromQuery(Name = "per_page")] int? perPage,
        CurrentTenant tenant, Db db, HttpContext http, CancellationToken ct)
    {
        var (where, parameters, problem) = BuildWhere(tenant.Id, new Filters(type, direction, status, to, from, dateFrom, dateTo, q));
        if (problem is not null) return problem;

        if (string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase))
            return new CsvResult(db, where, parameters, $"communication-history-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv");

        var paging = PageRequest.From(page, perPage);
        parameters.Add("limit", paging.PerPage);
        parameters.Add("offset", paging.Offset);
        await using var connection = await db.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM communication_log WHERE {where}", parameters);
        var items = (await connection.QueryAsync<HistoryItem>($"""
            SELECT {HistoryItem.Columns} FROM communication_log WHERE {where}
            ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset
            """, parameters)).AsList();
        return Api.Page(items, paging, total);
    }

    internal static (string Where, DynamicParameters Parameters, IResult? Problem) BuildWhere(string tenantId, Filters filters)
    {
        var where = new StringBuilder("tenant_id = @tenantId");
        var parameters = new DynamicParameters();
        parameters.Add("tenantId", tenantId);

        if (!string.IsNullOrWhiteSpace(filters.Type))
        {
            if (filters.Type is not ("sms" or "call")) return ("", parameters, Validation.Problem("type", "type is 'sms' or 'call'."));
            where.Append(" AND network_type = @type");
            parameters.Add("type", filters.Type);
        }

        if (!string.IsNullOrWhiteSpace(filters.Direction))
        {
            if (filters.Direction is not ("outbound" or "inbound")) return ("", parameters, Validation.Problem("direction", "direction is 'outbound' or 'inbound'."));
            where.Append(" AND direction = @direction");
            parameters.Add("direction", filters.Direction);
        }

        if (!string.IsNullOrWhiteSpace(filters.Status))
        {
            where.Append(" AND status IN @statuses");
            parameters.Add("statuses", filters.Status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        AddNumber(where, parameters, "to_number", "to", filters.To);
        AddNumber(where, parameters, "from_number", "from", filters.From);

        if (!TryParseBound(filters.DateFrom, endOfDay: false, out var fromAt)) return ("", parameters, Validation.Problem("date_from", "Use a date (2024-01-31) or an ISO-8601 time."));
        if (!TryParseBound(filters.DateTo, endOfDay: true, out var toAt)) return ("", parameters, Validation.Problem("date_to", "Use a date (2024-01-31) or an ISO-8601 time."));
        if (fromAt is not null)
        {
            where.Append(" AND created_at >= @dateFrom");
            parameters.Add("dateFrom", Db.Timestamp(fromAt.Value));
        }

        if (toAt is not null)
        {
            where.Append(" AND created_at < @dateTo");
            parameters.Add("dateTo", Db.Timestamp(toAt.Value));
        }

        if (!string.IsNullOrWhiteSpace(filters.Q))
        {
            where.Append(" AND (message_content LIKE @q ESCAPE '\\' OR to_number LIKE @q ESCAPE '\\' OR from_number LIKE @q ESCAPE '\\' OR twilio_sid LIKE @q ESCAPE '\\')");
            parameters.Add("q", "%" + EscapeLike(filters.Q.Trim()) + "%");
        }

        return (where.ToString(), parameters, null);
    }

    /// <summary>A full number matches exactly (whatever way it was typed); a fragment matches anywhere in the number.</summary>
    private static void AddNumber(StringBuilder where, DynamicParameters parameters, string column, string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return;
        var number = value.Trim().StartsWith('+') ? E164.Normalize(value, null) : new E164.Result(null, null);
        if (number.IsValid)
        {
            where.Append(CultureInfo.InvariantCulture, $" AND {column} = @{name}");
            parameters.Add(name, number.E164);
        }
        else
        {
            where.Append(CultureInfo.InvariantCulture, $" AND {column} LIKE @{name} ESCAPE '\\'");
            parameters.Add(name, "%" + EscapeLike(new string(value.Where(c => char.IsDigit(c) || c == '+').ToArray())) + "%");
        }
    }

    private static bool TryParseBound(string? text, bool endOfDay, out DateTimeOffset? bound)
    {
        bound = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            bound = new DateTimeOffset((endOfDay ? day.AddDays(1) : day).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            bound = at;
            return true;
        }

        return false;
    }

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>Streams the rows as CSV (RFC 4180) straight from the database, never holding them all in memory.</summary>
    private sealed class CsvResult(Db db, string where, DynamicParameters parameters, string fileName) : IResult
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
            var rows = connection.QueryUnbufferedAsync<HistoryItem>(
                $"SELECT {HistoryItem.Columns} FROM communication_log WHERE {where} ORDER BY created_at DESC, id DESC", parameters);
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

        private static string Field(string? value)
        {
            if (string.IsNullOrEmpty(value)) return "";
            return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
        }

        /// <summary>Free text that a spreadsheet must not run as a formula (=, +, -, @ at the start).</summary>
        private static string Text(string? value) =>
            string.IsNullOrEmpty(value) ? "" : Field(value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value);
    }
}

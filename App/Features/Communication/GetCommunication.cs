namespace App.Features.Communication;

/// <summary>GET /api/communication/history/{id} — one row with its status timeline (for the UI's detail drawer).</summary>
public static class GetCommunication
{
    public sealed record Event(string Status, int? ErrorCode, string Source, DateTimeOffset OccurredAt)
    {
        /// <summary>The error code in words, as on the row itself.</summary>
        public string? ErrorDescription => TwilioErrorCodes.Describe(ErrorCode);
    }

    /// <summary>The row's fields with its <c>events</c> beside them.</summary>
    public sealed class Details : HistoryItem
    {
        public IReadOnlyList<Event> Events { get; set; } = [];
    }

    private sealed class EventRow
    {
        public string Status { get; init; } = "";
        public int? ErrorCode { get; init; }
        public string Source { get; init; } = "";
        public DateTimeOffset OccurredAt { get; init; }
    }

    public static async Task<IResult> Handle(long id, CurrentTenant tenant, Db db, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var item = await connection.QuerySingleOrDefaultAsync<Details>(
            $"SELECT {HistoryItem.Columns} FROM communication_log WHERE id = @id AND tenant_id = @tenantId", new { id, tenantId = tenant.Id });
        if (item is null) return Api.NotFound("message or call");

        var events = await connection.QueryAsync<EventRow>(
            "SELECT status, error_code, source, occurred_at FROM status_events WHERE log_id = @id ORDER BY id", new { id });
        item.Events = events.Select(e => new Event(e.Status, e.ErrorCode, e.Source, e.OccurredAt)).ToList();
        return Api.Ok(item);
    }
}

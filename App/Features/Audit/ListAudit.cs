using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace App.Features.Audit;

/// <summary>
/// GET /api/audit — the tenant's audit trail, newest first. Filters: actor (contains, any case), action (exact, or a
/// prefix such as "voice_messages" for all of its actions), entity ("voice_message" or "voice_message:12"), outcome
/// (success|failure) and date_from/date_to (a plain date means the whole day, UTC).
/// </summary>
public static class ListAudit
{
    public sealed record Entry(
        long Id, DateTimeOffset OccurredAt, string ActorType, string? Actor, long? UserId, string? ClientId, string? IpAddress,
        string? UserAgent, string Method, string? Route, string Action, string? EntityType, string? EntityId, string Outcome,
        int StatusCode, JsonElement? Changes);

    internal sealed class Row
    {
        public long Id { get; init; }
        public DateTimeOffset OccurredAt { get; init; }
        public string ActorType { get; init; } = "";
        public string? Actor { get; init; }
        public long? UserId { get; init; }
        public string? ClientId { get; init; }
        public string? IpAddress { get; init; }
        public string? UserAgent { get; init; }
        public string Method { get; init; } = "";
        public string? Route { get; init; }
        public string Action { get; init; } = "";
        public string? EntityType { get; init; }
        public string? EntityId { get; init; }
        public string Outcome { get; init; } = "";
        public int StatusCode { get; init; }
        public string? Changes { get; init; }
    }

    internal const string Columns = """
        id, occurred_at, actor_type, actor, user_id, client_id, ip_address, user_agent, method, route, action,
        entity_type, entity_id, outcome, status_code, changes
        """;

    public static async Task<IResult> Handle(
        string? actor, string? action, string? entity, string? outcome,
        [FromQuery(Name = "date_from")] string? dateFrom, [FromQuery(Name = "date_to")] string? dateTo,
        int? page, [FromQuery(Name = "per_page")] int? perPage,
        CurrentTenant tenant, Db db, CancellationToken ct)
    {
        var where = new StringBuilder("tenant_id = @TenantId");
        var parameters = new DynamicParameters(new { TenantId = tenant.Id });

        if (!string.IsNullOrWhiteSpace(actor))
        {
            where.Append(@" AND actor LIKE @Actor ESCAPE '\'");
            parameters.Add("Actor", SqlLike.Containing(actor.Trim()));
        }

        if (!string.IsNullOrWhiteSpace(action))
        {
            where.Append(@" AND (action = @Action OR action LIKE @ActionPrefix ESCAPE '\')");
            parameters.Add("Action", action.Trim());
            parameters.Add("ActionPrefix", SqlLike.Escape(action.Trim()) + ".%");
        }

        if (!string.IsNullOrWhiteSpace(entity))
        {
            var parts = entity.Trim().Split(':', 2);
            where.Append(" AND entity_type = @EntityType");
            parameters.Add("EntityType", parts[0]);
            if (parts.Length == 2)
            {
                where.Append(" AND entity_id = @EntityId");
                parameters.Add("EntityId", parts[1]);
            }
        }

        if (!string.IsNullOrWhiteSpace(outcome))
        {
            if (outcome is not ("success" or "failure")) return Validation.Problem("outcome", "outcome is 'success' or 'failure'.");
            where.Append(" AND outcome = @Outcome");
            parameters.Add("Outcome", outcome);
        }

        if (ListFilters.DateFrom(dateFrom, out var fromAt) is { } badFrom) return badFrom;
        if (ListFilters.DateTo(dateTo, out var toAt) is { } badTo) return badTo;
        where.AppendRange(parameters, "occurred_at",
            ("DateFrom", fromAt is null ? null : Db.Timestamp(fromAt.Value)), ("DateTo", toAt is null ? null : Db.Timestamp(toAt.Value)));

        var paging = PageRequest.From(page, perPage);
        parameters.Add("Limit", paging.PerPage);
        parameters.Add("Offset", paging.Offset);
        await using var connection = await db.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM audit_log WHERE {where}", parameters);
        var rows = await connection.QueryAsync<Row>(
            $"SELECT {Columns} FROM audit_log WHERE {where} ORDER BY occurred_at DESC, id DESC LIMIT @Limit OFFSET @Offset", parameters);
        return Api.Page(rows.Select(ToEntry).ToList(), paging, total);
    }

    internal static Entry ToEntry(Row row) => new(
        row.Id, row.OccurredAt, row.ActorType, row.Actor, row.UserId, row.ClientId, row.IpAddress, row.UserAgent, row.Method,
        row.Route, row.Action, row.EntityType, row.EntityId, row.Outcome, row.StatusCode,
        row.Changes is null ? null : JsonDocument.Parse(row.Changes).RootElement.Clone());
}

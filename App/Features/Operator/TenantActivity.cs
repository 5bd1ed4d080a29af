using App.Features.Audit;
using App.Features.Communication;
using App.Features.Tenants;
using Microsoft.AspNetCore.Mvc;

namespace App.Features.Operator;

/// <summary>
/// What the operator reads about one tenant, newest first: usage, server errors (with their details, which tenants do not
/// see), Twilio failures, the opt-out list and the trail of what operators did to it. Every endpoint answers 404 for an
/// unknown tenant and works for disabled ones.
/// </summary>
public static class TenantActivity
{
    public sealed class ErrorItem
    {
        public long Id { get; init; }
        public string ErrorType { get; init; } = "";
        public string ErrorMessage { get; init; } = "";
        public string? ErrorDetails { get; init; }
        public string? Endpoint { get; init; }
        public string? CorrelationId { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
    }

    public sealed class FailureItem
    {
        public long Id { get; init; }
        public string NetworkType { get; init; } = "";
        public string ToNumber { get; init; } = "";
        public string? Status { get; init; }
        public int? ErrorCode { get; init; }
        public string? ErrorMessage { get; init; }
        public string? TwilioSid { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
    }

    public sealed class OptOutItem
    {
        public string PhoneNumber { get; init; } = "";
        public string? Keyword { get; init; }
        public DateTimeOffset OptedOutAt { get; init; }
    }

    /// <summary>GET …/usage?from&amp;to — the tenant's own usage answer (its local days, 30 days by default).</summary>
    public static async Task<IResult> Usage(string id, DateOnly? from, DateOnly? to, Db db, CancellationToken ct)
    {
        TenantSettings? settings;
        await using (var connection = await db.OpenAsync(ct))
            settings = await OperatorTenants.SettingsAsync(connection, id);
        return settings is null ? Api.NotFound("tenant") : await GetUsage.ReadAsync(db, id, settings, from, to, ct);
    }

    /// <summary>GET …/errors — error_log rows of the tenant, details included.</summary>
    public static async Task<IResult> Errors(string id, int? page, [FromQuery(Name = "per_page")] int? perPage, Db db, CancellationToken ct)
    {
        var paging = PageRequest.From(page, perPage);
        await using var connection = await db.OpenAsync(ct);
        if (await OperatorTenants.SettingsAsync(connection, id) is null) return Api.NotFound("tenant");
        var total = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM error_log WHERE tenant_id = @id", new { id });
        var items = (await connection.QueryAsync<ErrorItem>("""
            SELECT id, error_type, error_message, error_details, endpoint, correlation_id, created_at FROM error_log
            WHERE tenant_id = @id ORDER BY created_at DESC, id DESC LIMIT @Limit OFFSET @Offset
            """, new { id, Limit = paging.PerPage, paging.Offset })).AsList();
        return Api.Page(items, paging, total);
    }

    /// <summary>
    /// GET …/failures?limit= — the newest messages and calls that did not reach the person (failed, undelivered, busy,
    /// no-answer, canceled) with Twilio's error. One index walk per status, each stopping after <c>limit</c> rows.
    /// </summary>
    public static async Task<IResult> Failures(string id, int? limit, Db db, CancellationToken ct)
    {
        var take = Math.Clamp(limit ?? 20, 1, 100);
        var perStatus = string.Join("\nUNION ALL\n", Statuses.Failures.Order(StringComparer.Ordinal).Select(status => $"""
            SELECT * FROM (SELECT id, network_type, to_number, status, error_code, error_message, twilio_sid, created_at
                           FROM communication_log WHERE tenant_id = @id AND status = '{status}'
                           ORDER BY created_at DESC, id DESC LIMIT @take)
            """));
        await using var connection = await db.OpenAsync(ct);
        if (await OperatorTenants.SettingsAsync(connection, id) is null) return Api.NotFound("tenant");
        var items = (await connection.QueryAsync<FailureItem>($"""
            SELECT * FROM ({perStatus}) ORDER BY created_at DESC, id DESC LIMIT @take
            """, new { id, take })).AsList();
        return Api.Ok(items);
    }

    /// <summary>GET …/opt-outs — numbers that replied STOP to this tenant (or that Twilio refused as unsubscribed).</summary>
    public static async Task<IResult> OptOuts(string id, int? page, [FromQuery(Name = "per_page")] int? perPage, Db db, CancellationToken ct)
    {
        var paging = PageRequest.From(page, perPage);
        await using var connection = await db.OpenAsync(ct);
        if (await OperatorTenants.SettingsAsync(connection, id) is null) return Api.NotFound("tenant");
        var total = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM opt_outs WHERE tenant_id = @id", new { id });
        var items = (await connection.QueryAsync<OptOutItem>("""
            SELECT phone_number, keyword, opted_out_at FROM opt_outs WHERE tenant_id = @id
            ORDER BY opted_out_at DESC, phone_number LIMIT @Limit OFFSET @Offset
            """, new { id, Limit = paging.PerPage, paging.Offset })).AsList();
        return Api.Page(items, paging, total);
    }

    // Operator actions on a tenant are recorded with the tenant as their entity, so they are found through the
    // (tenant_id, entity_type, entity_id) index, not by walking the tenant's whole trail (every send is in it).
    private const string OperatorActionsWhere =
        "tenant_id = @id AND entity_type = 'tenant' AND entity_id = @id AND actor_type = 'operator'";

    /// <summary>GET …/audit — what operators did to this tenant (create, rename, disable, key rotation, cap, embed URLs).</summary>
    public static async Task<IResult> OperatorActions(string id, int? page, [FromQuery(Name = "per_page")] int? perPage, Db db, CancellationToken ct)
    {
        var paging = PageRequest.From(page, perPage);
        await using var connection = await db.OpenAsync(ct);
        if (await OperatorTenants.SettingsAsync(connection, id) is null) return Api.NotFound("tenant");
        var total = await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM audit_log WHERE {OperatorActionsWhere}", new { id });
        var rows = await connection.QueryAsync<ListAudit.Row>($"""
            SELECT {ListAudit.Columns} FROM audit_log WHERE {OperatorActionsWhere}
            ORDER BY occurred_at DESC, id DESC LIMIT @Limit OFFSET @Offset
            """, new { id, Limit = paging.PerPage, paging.Offset });
        return Api.Page(rows.Select(ListAudit.ToEntry).ToList(), paging, total);
    }
}

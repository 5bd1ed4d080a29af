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
    /// <summary>An error as the tenant sees it (<see cref="ListErrors"/>), with what only the operator sees.</summary>
    public sealed class ErrorItem : ListErrors.Item
    {
        public string? ErrorDetails { get; init; }
        public string? CorrelationId { get; init; }
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
    public static Task<IResult> Errors(string id, int? page, [FromQuery(Name = "per_page")] int? perPage, Db db, CancellationToken ct) =>
        PageAsync<ErrorItem, ErrorItem>(db, id, PageRequest.From(page, perPage), "error_log WHERE tenant_id = @id",
            "id, error_type, error_message, error_details, endpoint, correlation_id, created_at", "created_at DESC, id DESC", item => item, ct);

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
    public static Task<IResult> OptOuts(string id, int? page, [FromQuery(Name = "per_page")] int? perPage, Db db, CancellationToken ct) =>
        PageAsync<OptOutItem, OptOutItem>(db, id, PageRequest.From(page, perPage), "opt_outs WHERE tenant_id = @id",
            "phone_number, keyword, opted_out_at", "opted_out_at DESC, phone_number", item => item, ct);

    // Operator actions on a tenant are recorded with the tenant as their entity, so they are found through the
    // (tenant_id, entity_type, entity_id) index, not by walking the tenant's whole trail (every send is in it).
    private const string OperatorActionsWhere =
        "tenant_id = @id AND entity_type = 'tenant' AND entity_id = @id AND actor_type = 'operator'";

    /// <summary>GET …/audit — what operators did to this tenant (create, rename, disable, key rotation, cap, embed URLs).</summary>
    public static Task<IResult> OperatorActions(string id, int? page, [FromQuery(Name = "per_page")] int? perPage, Db db, CancellationToken ct) =>
        PageAsync<ListAudit.Row, ListAudit.Entry>(db, id, PageRequest.From(page, perPage), $"audit_log WHERE {OperatorActionsWhere}",
            ListAudit.Columns, "occurred_at DESC, id DESC", ListAudit.ToEntry, ct);

    /// <summary>One page of the tenant's rows <paramref name="from"/> a table, in <paramref name="orderBy"/>; 404 when no tenant has this id.</summary>
    private static async Task<IResult> PageAsync<TRow, TItem>(Db db, string id, PageRequest paging, string from, string columns, string orderBy,
        Func<TRow, TItem> toItem, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        if (await OperatorTenants.SettingsAsync(connection, id) is null) return Api.NotFound("tenant");
        var total = await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {from}", new { id });
        var rows = await connection.QueryAsync<TRow>($"SELECT {columns} FROM {from} ORDER BY {orderBy} LIMIT @Limit OFFSET @Offset",
            new { id, Limit = paging.PerPage, paging.Offset });
        return Api.Page(rows.Select(toItem).ToList(), paging, total);
    }
}

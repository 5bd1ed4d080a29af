using Microsoft.AspNetCore.Mvc;

namespace App.Features.Audit;

/// <summary>
/// GET /api/errors — server-side errors recorded for this tenant, newest first. Only the type, message, endpoint and
/// time: error_details (exception types, stack traces) stay with the operator.
/// </summary>
public static class ListErrors
{
    public class Item
    {
        public long Id { get; init; }
        public string ErrorType { get; init; } = "";
        public string ErrorMessage { get; init; } = "";
        public string? Endpoint { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
    }

    private const string Sql = """
        SELECT id, error_type, error_message, endpoint, created_at FROM error_log WHERE tenant_id = @TenantId
        ORDER BY created_at DESC, id DESC LIMIT @Limit OFFSET @Offset
        """;

    public static async Task<IResult> Handle(int? page, [FromQuery(Name = "per_page")] int? perPage, CurrentTenant tenant, Db db, CancellationToken ct)
    {
        var paging = PageRequest.From(page, perPage);
        await using var connection = await db.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM error_log WHERE tenant_id = @TenantId", new { TenantId = tenant.Id });
        var items = (await connection.QueryAsync<Item>(Sql, new { TenantId = tenant.Id, Limit = paging.PerPage, paging.Offset })).AsList();
        return Api.Page(items, paging, total);
    }
}

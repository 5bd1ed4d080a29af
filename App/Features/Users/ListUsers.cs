using Microsoft.AspNetCore.Mvc;

namespace App.Features.Users;

/// <summary>
/// GET /api/users?page=&amp;per_page=&amp;search=&amp;is_active= — by username. search matches username, display name or
/// email containing the text, ignoring case.
/// </summary>
public static class ListUsers
{
    private const string Where = """
        WHERE tenant_id = @TenantId
          AND (@IsActive IS NULL OR is_active = @IsActive)
          AND (@Search IS NULL OR username LIKE @Search ESCAPE '\' OR display_name LIKE @Search ESCAPE '\' OR email LIKE @Search ESCAPE '\')
        """;

    public static async Task<IResult> Handle(
        int? page, [FromQuery(Name = "per_page")] int? perPage, string? search, [FromQuery(Name = "is_active")] string? isActive,
        CurrentTenant tenant, Db db, CancellationToken ct)
    {
        if (ListFilters.IsActive(isActive, out var active) is { } problem) return problem;

        var paging = PageRequest.From(page, perPage);
        var parameters = new
        {
            TenantId = tenant.Id,
            IsActive = active,
            Search = string.IsNullOrWhiteSpace(search) ? null : SqlLike.Containing(search.Trim()),
            Limit = paging.PerPage,
            paging.Offset,
        };
        await using var connection = await db.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM users {Where}", parameters);
        var rows = await connection.QueryAsync<GetUser.Row>(
            $"SELECT {GetUser.Columns} FROM users {Where} ORDER BY username COLLATE NOCASE, id LIMIT @Limit OFFSET @Offset", parameters);
        return Api.Page(rows.Select(GetUser.ToItem).ToList(), paging, total);
    }
}

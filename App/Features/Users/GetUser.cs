using App.Features.Auth;

namespace App.Features.Users;

/// <summary>GET /api/users/{id}. Also home of the row, the item JSON (never the password hash) and the shared columns.</summary>
public static class GetUser
{
    public sealed record Item(
        long Id,
        string Username,
        string DisplayName,
        string? Email,
        IReadOnlyList<string> Permissions,
        bool IsAdmin,
        bool IsActive,
        DateTimeOffset? LastLoginAt,
        DateTimeOffset CreatedAt,
        DateTimeOffset UpdatedAt);

    internal sealed class Row
    {
        public long Id { get; init; }
        public string Username { get; init; } = "";
        public string DisplayName { get; init; } = "";
        public string? Email { get; init; }
        public string Permissions { get; init; } = "[]";
        public bool IsAdmin { get; init; }
        public bool IsActive { get; init; }
        public DateTimeOffset? LastLoginAt { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
    }

    internal const string Columns = "id, username, display_name, email, permissions, is_admin, is_active, last_login_at, created_at, updated_at";

    internal const string Sql = $"SELECT {Columns} FROM users WHERE id = @Id AND tenant_id = @TenantId";

    public static async Task<IResult> Handle(long id, CurrentTenant tenant, Db db, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return Api.OkOrNotFound(await connection.QuerySingleOrDefaultAsync<Row>(Sql, new { Id = id, TenantId = tenant.Id }), ToItem, "user");
    }

    internal static Item ToItem(Row row) => new(
        row.Id, row.Username, row.DisplayName, row.Email,
        SessionTokenReader.EffectivePermissions(row.Permissions, row.IsAdmin),
        row.IsAdmin, row.IsActive, row.LastLoginAt, row.CreatedAt, row.UpdatedAt);
}

using App.Features.Audit;

namespace App.Features.Users;

/// <summary>
/// POST /api/users/{id}/deactivate — the user can no longer sign in and every session they hold ends at once (a new
/// session stamp). Deactivating an inactive user changes nothing. Users cannot deactivate themselves (409).
/// </summary>
public static class DeactivateUser
{
    private const string Sql = $"""
        UPDATE users SET is_active = 0, session_stamp = @NewStamp, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
        WHERE id = @Id AND tenant_id = @TenantId
        RETURNING {GetUser.Columns}
        """;

    public static async Task<IResult> Handle(long id, HttpContext http, CurrentTenant tenant, Db db, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var before = await connection.QuerySingleOrDefaultAsync<GetUser.Row>(GetUser.Sql, new { Id = id, TenantId = tenant.Id });
        if (before is null) return Api.NotFound("user");
        if (tenant.Actor.UserId == id)
            return Api.Error(StatusCodes.Status409Conflict, ErrorCodes.Conflict, "You cannot deactivate yourself.");
        if (before.IsAdmin && !UserRules.HoldsEverything(tenant.Actor))
            return UserRules.Forbidden("Only an administrator can change administrators.");
        if (!before.IsActive) return Api.Ok(GetUser.ToItem(before), "The user was already inactive.");

        var after = await connection.QuerySingleOrDefaultAsync<GetUser.Row>(Sql, new { Id = id, TenantId = tenant.Id, NewStamp = UserRules.NewSessionStamp() });
        if (after is null) return Api.NotFound("user");

        var item = GetUser.ToItem(after);
        AuditChanges.Record(http, GetUser.ToItem(before), item);
        return Api.Ok(item, "User deactivated; their sessions have ended.");
    }
}

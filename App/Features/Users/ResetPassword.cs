using App.Features.Audit;
using App.Features.Auth;

namespace App.Features.Users;

/// <summary>
/// POST /api/users/{id}/reset-password {password} — sets a new password (same policy as on create) and ends every
/// session the user holds, including the caller's own when they reset their own password.
/// </summary>
public static class ResetPassword
{
    public sealed record Request(string? Password);

    private const string Sql = $"""
        UPDATE users SET password_hash = @PasswordHash, session_stamp = @NewStamp, must_change_password = 0, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
        WHERE id = @Id AND tenant_id = @TenantId
        RETURNING {GetUser.Columns}
        """;

    public static async Task<IResult> Handle(long id, Request? request, HttpContext http, CurrentTenant tenant, Db db, Passwords passwords,
        CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var before = await connection.QuerySingleOrDefaultAsync<GetUser.Row>(GetUser.Sql, new { Id = id, TenantId = tenant.Id });
        if (before is null) return Api.NotFound("user");
        if (Passwords.PolicyProblem(request?.Password, before.Username) is { } problem) return Validation.Problem("password", problem);
        // Setting an administrator's password is taking over their account: only an administrator may.
        if (before.IsAdmin && !UserRules.HoldsEverything(tenant.Actor))
            return UserRules.Forbidden("Only an administrator can change administrators.");

        var after = await connection.QuerySingleAsync<GetUser.Row>(Sql, new
        {
            Id = id,
            TenantId = tenant.Id,
            PasswordHash = passwords.Hash(request!.Password!),
            NewStamp = UserRules.NewSessionStamp(),
        });
        AuditNote.For(http).Changes["password"] =
            new(System.Text.Json.Nodes.JsonValue.Create(AuditChanges.Hidden), System.Text.Json.Nodes.JsonValue.Create(AuditChanges.Changed));
        return Api.Ok(GetUser.ToItem(after), "Password changed; the user's sessions have ended.");
    }
}

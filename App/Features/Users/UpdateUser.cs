using App.Features.Audit;
using FluentValidation;
using Microsoft.Data.Sqlite;

namespace App.Features.Users;

/// <summary>
/// PUT /api/users/{id} {username, display_name?, email?, permissions?, is_admin?, is_active?} — replaces the user's
/// details (an omitted display_name becomes the username, an omitted email or permission list is cleared); is_admin and
/// is_active keep their value when omitted. The password is changed only through reset-password. Users cannot remove
/// their own admin flag or deactivate themselves (409). Deactivating ends the user's sessions.
/// </summary>
public static class UpdateUser
{
    public sealed record Request(
        string? Username,
        string? DisplayName,
        string? Email,
        IReadOnlyList<string>? Permissions,
        bool? IsAdmin,
        bool? IsActive) : UserRules.IAccountFields;

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => Include(new UserRules.AccountFieldsValidator());
    }

    private const string Sql = $"""
        UPDATE users SET
            username = @Username, display_name = @DisplayName, email = @Email, permissions = @Permissions,
            is_admin = @IsAdmin, is_active = @IsActive,
            session_stamp = CASE WHEN @IsActive THEN session_stamp ELSE @NewStamp END,
            updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
        WHERE id = @Id AND tenant_id = @TenantId
        RETURNING {GetUser.Columns}
        """;

    public static async Task<IResult> Handle(long id, Request request, HttpContext http, CurrentTenant tenant, Db db, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var before = await connection.QuerySingleOrDefaultAsync<GetUser.Row>(GetUser.Sql, new { Id = id, TenantId = tenant.Id });
        if (before is null) return Api.NotFound("user");

        var current = GetUser.ToItem(before);
        var isAdmin = request.IsAdmin ?? before.IsAdmin;
        var isActive = request.IsActive ?? before.IsActive;
        var permissions = request.Permissions ?? [];

        if (tenant.Actor.UserId == id && before.IsAdmin && !isAdmin)
            return Api.Error(StatusCodes.Status409Conflict, ErrorCodes.Conflict, "You cannot remove your own administrator flag.");
        if (tenant.Actor.UserId == id && !isActive)
            return Api.Error(StatusCodes.Status409Conflict, ErrorCodes.Conflict, "You cannot deactivate yourself.");
        if (before.IsAdmin && !UserRules.HoldsEverything(tenant.Actor))
            return UserRules.Forbidden("Only an administrator can change administrators.");
        if (UserRules.EscalationProblem(tenant.Actor, permissions.Except(current.Permissions), isAdmin && !before.IsAdmin) is { } forbidden)
            return forbidden;

        var username = request.Username!.Trim();
        if (await UserRules.UsernameInUseAsync(connection, tenant.Id, username, exceptId: id)) return UserRules.UsernameTaken(username);

        try
        {
            var after = await connection.QuerySingleOrDefaultAsync<GetUser.Row>(Sql, new
            {
                Id = id,
                TenantId = tenant.Id,
                Username = username,
                DisplayName = UserRules.NullIfBlank(request.DisplayName) ?? username,
                Email = UserRules.NullIfBlank(request.Email),
                Permissions = UserRules.PermissionsJson(permissions, isAdmin),
                IsAdmin = isAdmin,
                IsActive = isActive,
                NewStamp = UserRules.NewSessionStamp(),
            });
            if (after is null) return Api.NotFound("user");

            var updated = GetUser.ToItem(after);
            AuditChanges.Record(http, current, updated);
            return Api.Ok(updated, "User updated.");
        }
        catch (SqliteException ex) when (UserRules.IsUniqueViolation(ex))
        {
            return UserRules.UsernameTaken(username);
        }
    }
}

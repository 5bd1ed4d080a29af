using App.Features.Auth;
using FluentValidation;
using Microsoft.Data.Sqlite;

namespace App.Features.Users;

/// <summary>
/// POST /api/users {username, display_name?, email?, password, permissions, is_admin?, is_active?}. The username is
/// unique in the tenant whatever its case (409). The password is stored only as a bcrypt hash.
/// </summary>
public static class CreateUser
{
    public sealed record Request(
        string? Username,
        string? DisplayName,
        string? Email,
        string? Password,
        IReadOnlyList<string>? Permissions,
        bool? IsAdmin,
        bool? IsActive) : UserRules.IAccountFields;

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            Include(new UserRules.AccountFieldsValidator());
            RuleFor(r => r.Password).Custom((password, context) =>
            {
                if (Passwords.PolicyProblem(password, context.InstanceToValidate.Username) is { } problem) context.AddFailure("password", problem);
            });
        }
    }

    private const string Sql = $"""
        INSERT INTO users (tenant_id, username, password_hash, display_name, email, permissions, is_admin, is_active, session_stamp)
        VALUES (@TenantId, @Username, @PasswordHash, @DisplayName, @Email, @Permissions, @IsAdmin, @IsActive, @SessionStamp)
        RETURNING {GetUser.Columns}
        """;

    public static async Task<IResult> Handle(Request request, CurrentTenant tenant, Db db, Passwords passwords, CancellationToken ct)
    {
        var isAdmin = request.IsAdmin ?? false;
        var permissions = request.Permissions ?? [];
        if (UserRules.EscalationProblem(tenant.Actor, permissions, isAdmin) is { } forbidden) return forbidden;

        var username = request.Username!.Trim();
        await using var connection = await db.OpenAsync(ct);
        if (await UserRules.UsernameInUseAsync(connection, tenant.Id, username)) return UserRules.UsernameTaken(username);

        try
        {
            var row = await connection.QuerySingleAsync<GetUser.Row>(Sql, new
            {
                TenantId = tenant.Id,
                Username = username,
                PasswordHash = passwords.Hash(request.Password!),
                DisplayName = UserRules.NullIfBlank(request.DisplayName) ?? username,
                Email = UserRules.NullIfBlank(request.Email),
                Permissions = UserRules.PermissionsJson(permissions, isAdmin),
                IsAdmin = isAdmin,
                IsActive = request.IsActive ?? true,
                SessionStamp = UserRules.NewSessionStamp(),
            });
            return Api.Created($"/api/users/{row.Id}", GetUser.ToItem(row), "User created.");
        }
        catch (SqliteException ex) when (UserRules.IsUniqueViolation(ex))
        {
            return UserRules.UsernameTaken(username);
        }
    }
}

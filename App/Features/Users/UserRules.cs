using System.Data.Common;
using System.Security.Cryptography;
using System.Text.Json;
using FluentValidation;
using Microsoft.Data.Sqlite;

namespace App.Features.Users;

/// <summary>
/// Rules the user use cases share: the username and permission checks, and "no one grants what they do not hold":
/// only an actor holding every permission (the API key, an administrator) may make or change administrators, and a
/// user with manage_users may grant only permissions they hold themselves.
/// </summary>
public static class UserRules
{
    public const int MaxUsernameLength = 64;

    /// <summary>The account fields that creating and updating a user both take, checked the same way by both.</summary>
    public interface IAccountFields
    {
        string? Username { get; }
        string? DisplayName { get; }
        string? Email { get; }
        IReadOnlyList<string>? Permissions { get; }
    }

    public sealed class AccountFieldsValidator : AbstractValidator<IAccountFields>
    {
        public AccountFieldsValidator()
        {
            RuleFor(r => r.Username).ValidUsername();
            RuleFor(r => r.DisplayName).MaximumLength(100);
            RuleFor(r => r.Email).ValidEmail().When(r => !string.IsNullOrWhiteSpace(r.Email));
            RuleFor(r => r.Permissions).KnownPermissions();
        }
    }

    public static IRuleBuilderOptions<T, string?> ValidUsername<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("The username is required.")
            .Matches("^[A-Za-z0-9][A-Za-z0-9._@+-]{2,63}$")
            .WithMessage($"The username is 3–{MaxUsernameLength} letters, digits or . _ @ + -, starting with a letter or digit.");

    public static IRuleBuilderOptions<T, IReadOnlyList<string>?> KnownPermissions<T>(this IRuleBuilder<T, IReadOnlyList<string>?> rule) =>
        rule.Must(list => list is null || list.All(Permissions.All.Contains))
            .WithMessage((_, list) => $"Unknown permission(s): {string.Join(", ", list!.Where(p => !Permissions.All.Contains(p)))}. " +
                                      $"Use any of: {string.Join(", ", Permissions.All)}.");

    public static IRuleBuilderOptions<T, string?> ValidEmail<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(254).EmailAddress().WithMessage("The email address is not valid.");

    /// <summary>What to store: administrators hold every permission, others the distinct known ones in the fixed order.</summary>
    public static string PermissionsJson(IEnumerable<string>? permissions, bool isAdmin) =>
        JsonSerializer.Serialize(isAdmin ? Permissions.All : Auth.AuthClaims.Ordered(permissions ?? []));

    public static bool HoldsEverything(Actor actor) => Permissions.All.All(actor.Can);

    /// <summary>403 when the actor would grant more than it holds (new permissions, or the admin flag), else null.</summary>
    public static IResult? EscalationProblem(Actor actor, IEnumerable<string> granted, bool grantsAdmin)
    {
        if (HoldsEverything(actor)) return null;
        if (grantsAdmin) return Forbidden("Only an administrator can make or change administrators.");
        var missing = granted.Where(p => !actor.Can(p)).ToList();
        return missing.Count == 0 ? null : Forbidden($"You cannot grant permissions you do not hold: {string.Join(", ", missing)}.");
    }

    public static IResult Forbidden(string message) => Api.Error(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, message);

    /// <summary>Whether another user of the tenant (any but <paramref name="exceptId"/>) has this username.</summary>
    public static async Task<bool> UsernameInUseAsync(DbConnection connection, string tenantId, string username, long? exceptId = null) =>
        await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM users WHERE tenant_id = @tenantId AND username = @username AND (@exceptId IS NULL OR id <> @exceptId)",
            new { tenantId, username, exceptId }) > 0;

    /// <summary>The 403 of <see cref="EscalationProblem"/> and of the administrator checks, in the OpenAPI document.</summary>
    public static RouteHandlerBuilder RefusesEscalation(this RouteHandlerBuilder endpoint) =>
        endpoint.Refuses(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden,
            "only an administrator may grant permissions the caller does not hold, or make or change an administrator");

    /// <summary>The 409 of <see cref="UsernameTaken"/>, in the OpenAPI document.</summary>
    public static RouteHandlerBuilder RefusesUsernameTaken(this RouteHandlerBuilder endpoint) =>
        endpoint.Refuses(StatusCodes.Status409Conflict, ErrorCodes.Conflict, "another user of the tenant has this username");

    public static IResult UsernameTaken(string username) =>
        Api.Error(StatusCodes.Status409Conflict, ErrorCodes.Conflict, $"A user named '{username}' already exists in this tenant.",
            new Dictionary<string, string[]> { ["username"] = ["This username is taken."] });

    public static bool IsUniqueViolation(SqliteException ex) => ex.SqliteErrorCode == 19 && ex.Message.Contains("UNIQUE", StringComparison.Ordinal);

    public static string NewSessionStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

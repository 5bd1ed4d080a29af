using App.Infrastructure.Hosting;
using Carter;

namespace App.Features.Users;

/// <summary>/api/users — the tenant's people who sign in to the admin UI (manage_users: administrators in practice).</summary>
public sealed class UsersModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapTenantApi("/api/users", "Users").RequirePermission(Permissions.ManageUsers);
        var user = group.MapGroup("/{id:long}").RefusesMissing("user");

        group.MapGet("/", ListUsers.Handle).ReturnsPage<GetUser.Item>()
            .RefusesBadQuery("is_active")
            .WithSummary("Users by username; filters search (username, display name or email) and is_active.");
        group.MapPost("/", CreateUser.Handle).Returns<GetUser.Item>(201)
            .Validate<CreateUser.Request>()
            .RefusesEscalation()
            .RefusesUsernameTaken()
            .WithSummary("Create a user with a password (≥ 10 characters, not the username) and permissions; is_admin implies all.");
        user.MapGet("", GetUser.Handle).Returns<GetUser.Item>()
            .WithSummary("One user (never the password).");
        user.MapPut("", UpdateUser.Handle).Returns<GetUser.Item>()
            .Validate<UpdateUser.Request>()
            .RefusesEscalation()
            .RefusesUsernameTaken()
            .Refuses(StatusCodes.Status409Conflict, ErrorCodes.Conflict, "you would remove your own administrator flag or deactivate yourself")
            .WithSummary("Replace a user's username, display name, email, permissions and flags (not the password).");
        user.MapPost("/deactivate", DeactivateUser.Handle).Returns<GetUser.Item>()
            .RefusesEscalation()
            .Refuses(StatusCodes.Status409Conflict, ErrorCodes.Conflict, "you would deactivate yourself")
            .WithSummary("Deactivate a user: they cannot sign in and their sessions end at once.");
        user.MapPost("/reset-password", ResetPassword.Handle).Returns<GetUser.Item>()
            .Refuses(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError, "the password breaks the policy (at least 10 characters, not the username)")
            .RefusesEscalation()
            .WithSummary("Set a new password; the user's sessions end.");
    }
}

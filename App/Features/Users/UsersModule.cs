using App.Infrastructure.Hosting;
using Carter;

namespace App.Features.Users;

/// <summary>/api/users — the tenant's people who sign in to the admin UI (manage_users: administrators in practice).</summary>
public sealed class UsersModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapTenantApi("/api/users", "Users").RequirePermission(Permissions.ManageUsers);

        group.MapGet("/", ListUsers.Handle).ReturnsPage<GetUser.Item>()
            .RefusesBadQuery("is_active")
            .WithSummary("Users by username; filters search (username, display name or email) and is_active.");
        group.MapPost("/", CreateUser.Handle).Returns<GetUser.Item>(201)
            .Validate<CreateUser.Request>()
            .RefusesEscalation()
            .RefusesUsernameTaken()
            .WithSummary("Create a user with a password (≥ 10 characters, not the username) and permissions; is_admin implies all.");
        group.MapGet("/{id:long}", GetUser.Handle).Returns<GetUser.Item>()
            .RefusesMissing("user")
            .WithSummary("One user (never the password).");
        group.MapPut("/{id:long}", UpdateUser.Handle).Returns<GetUser.Item>()
            .Validate<UpdateUser.Request>()
            .RefusesMissing("user")
            .RefusesEscalation()
            .RefusesUsernameTaken()
            .Refuses(StatusCodes.Status409Conflict, ErrorCodes.Conflict, "you would remove your own administrator flag or deactivate yourself")
            .WithSummary("Replace a user's username, display name, email, permissions and flags (not the password).");
        group.MapPost("/{id:long}/deactivate", DeactivateUser.Handle).Returns<GetUser.Item>()
            .RefusesMissing("user")
            .RefusesEscalation()
            .Refuses(StatusCodes.Status409Conflict, ErrorCodes.Conflict, "you would deactivate yourself")
            .WithSummary("Deactivate a user: they cannot sign in and their sessions end at once.");
        group.MapPost("/{id:long}/reset-password", ResetPassword.Handle).Returns<GetUser.Item>()
            .RefusesMissing("user")
            .Refuses(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError, "the password breaks the policy (at least 10 characters, not the username)")
            .RefusesEscalation()
            .WithSummary("Set a new password; the user's sessions end.");
    }
}

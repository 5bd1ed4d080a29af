namespace App.Infrastructure.Tenancy;

/// <summary>The fixed permission set. The API key and admins hold all of them.</summary>
public static class Permissions
{
    public const string SendSms = "send_sms";
    public const string SendVoice = "send_voice";
    public const string ManageVoiceMessages = "manage_voice_messages";
    public const string ManageFiles = "manage_files";
    public const string ViewLogs = "view_logs";
    public const string ManageUsers = "manage_users";
    public const string ManageSettings = "manage_settings";

    public static readonly IReadOnlyList<string> All =
        [SendSms, SendVoice, ManageVoiceMessages, ManageFiles, ViewLogs, ManageUsers, ManageSettings];

    /// <summary>Policy name for "the actor holds this permission", used with RequireAuthorization.</summary>
    public static string Policy(string permission) => "perm:" + permission;

    public static void AddPermissionPolicies(this Microsoft.AspNetCore.Authorization.AuthorizationOptions options)
    {
        foreach (var permission in All)
        {
            options.AddPolicy(Policy(permission), policy => policy
                .AddAuthenticationSchemes(TenantAuthentication.SchemeName)
                .RequireAuthenticatedUser()
                .RequireClaim(TenantClaims.Permission, permission));
        }
    }

    /// <summary>Declares on an endpoint or group that the actor needs <paramref name="permission"/> (403 FORBIDDEN otherwise).</summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, string permission) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Policy(permission))
            .Refuses(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, $"the credential does not hold {permission}");
}

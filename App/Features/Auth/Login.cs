using System.Globalization;
using App.Features.Audit;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace App.Features.Auth;

/// <summary>
/// POST /api/auth/login {tenant_id, username, password} (anonymous) → a signed session token for the admin UI.
/// An unknown tenant, an unknown or deactivated user and a wrong password all answer the same 401, after the same
/// bcrypt work. Repeated failures per (tenant, username) and per IP answer 429 with Retry-After.
/// </summary>
public static class Login
{
    public const string FailureMessage = "The tenant, username or password is not correct.";

    public sealed record Request(string? TenantId, string? Username, string? Password);

    public sealed record Response(string Token, DateTimeOffset ExpiresAt, SignedInUser User);

    /// <param name="MustChangePassword">True for an account whose (imported) password breaks today's policy: it signs in, and
    /// should be sent to choose a new password straight away.</param>
    public sealed record SignedInUser(long Id, string Username, string DisplayName, bool IsAdmin, IReadOnlyList<string> Permissions,
        bool MustChangePassword = false);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.TenantId).NotEmpty().WithMessage("tenant_id is required.").MaximumLength(100);
            RuleFor(r => r.Username).NotEmpty().WithMessage("username is required.").MaximumLength(200);
            RuleFor(r => r.Password).NotEmpty().WithMessage("password is required.").MaximumLength(1000);
        }
    }

    private sealed class Row : SessionTokenReader.SessionUser
    {
        public string PasswordHash { get; init; } = "";
        public bool IsActive { get; init; }
        public bool MustChangePassword { get; init; }
    }

    private const string UserSql = $"""
        SELECT {SessionTokenReader.SessionUser.Columns}, u.password_hash, u.is_active, u.must_change_password
        FROM users u JOIN tenants t ON t.id = u.tenant_id
        WHERE u.tenant_id = @TenantId AND u.username = @Username AND t.is_active = 1
        """;

    public static async Task<IResult> Handle(Request request, HttpContext http, Db db, Passwords passwords, LoginThrottle throttle,
        SignedTokens tokens, TimeProvider time, IOptions<AuthOptions> options, CancellationToken ct)
    {
        var tenantId = request.TenantId!.Trim();
        var username = request.Username!.Trim();
        var ip = http.Connection.RemoteIpAddress?.ToString();

        await using var connection = await db.OpenAsync(ct);
        var tenantExists = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM tenants WHERE id = @tenantId", new { tenantId }) > 0;
        // The attempt is recorded in the tenant's audit trail (never the password); unknown tenants get no trail of their own.
        var audit = AuditNote.For(http);
        audit.ActorType = Actor.User;
        audit.Actor = username.Length > 100 ? username[..100] : username;
        if (tenantExists) audit.TenantId = tenantId;

        if (await throttle.RetryAfterAsync(tenantId, username, ip, ct) is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return Api.Error(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
                $"Too many failed sign-ins; try again in {seconds} s.", new Dictionary<string, int> { ["retry_after_seconds"] = seconds });
        }

        var user = tenantExists ? await connection.QuerySingleOrDefaultAsync<Row>(UserSql, new { TenantId = tenantId, Username = username }) : null;
        var verified = false;
        if (user is null) passwords.VerifyDummy(request.Password!);
        else verified = passwords.Verify(request.Password!, user.PasswordHash);

        if (user is null || !verified || !user.IsActive)
        {
            await throttle.RecordFailureAsync(tenantId, username, ip, CancellationToken.None);
            return Api.Error(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, FailureMessage);
        }

        await throttle.RecordSuccessAsync(tenantId, username, ct);
        var now = time.GetUtcNow();
        var rehash = passwords.NeedsRehash(user.PasswordHash) ? passwords.Hash(request.Password!) : null;
        await connection.ExecuteAsync("""
            UPDATE users SET last_login_at = @Now, password_hash = COALESCE(@Rehash, password_hash) WHERE id = @Id
            """, new { Now = Db.Timestamp(now), Rehash = rehash, user.Id });

        var expiresAt = now.AddMinutes(options.Value.SessionMinutes);
        var token = tokens.Sign(SignedTokens.SessionKind, new SessionPayload(
            SignedTokens.NewId(), tenantId, user.Id, user.SessionStamp, now.ToUnixTimeSeconds(), expiresAt.ToUnixTimeSeconds()));

        audit.UserId = user.Id;
        audit.EntityType = "user";
        audit.EntityId = user.Id.ToString(CultureInfo.InvariantCulture);
        return Api.Ok(new Response(token, DateTimeOffset.FromUnixTimeSeconds(expiresAt.ToUnixTimeSeconds()),
            new SignedInUser(user.Id, user.Username, user.DisplayName, user.IsAdmin,
                SessionTokenReader.EffectivePermissions(user.Permissions, user.IsAdmin), user.MustChangePassword)),
            user.MustChangePassword ? "Signed in. This account must choose a new password." : "Signed in.");
    }
}

using System.Security.Cryptography;
using System.Text;
using App.Features.Auth;
using Microsoft.Extensions.Options;

namespace App.Features.Operator;

/// <summary><c>Operator:</c> settings of the console's sessions.</summary>
public sealed class OperatorOptions
{
    public const string Section = "Operator";

    /// <summary>How long an operator session lasts; the console then asks for the key again.</summary>
    public double SessionMinutes { get; set; } = 30;
}

/// <summary>An operator session token: its id, a fingerprint of the operator key it was issued for, issue and expiry (unix seconds).</summary>
public sealed record OperatorSessionPayload(string Jti, string Kf, long Iat, long Exp);

/// <summary>
/// Operator sessions. The console in the browser exchanges the operator key once (POST /api/system/session) for a signed
/// token that expires after <see cref="OperatorOptions.SessionMinutes"/> and keeps only that token, so the long-lived key
/// never stays in the browser. A token ends when it expires, when it is signed out, and when Operator:ApiKey changes
/// (it names the key it was issued for by a fingerprint). Only the key can start a session: a token cannot renew itself.
/// </summary>
public sealed class OperatorSessions(SignedTokens tokens, Db db, TimeProvider time, IConfiguration configuration, IOptions<OperatorOptions> options)
    : IOperatorSessionReader
{
    public sealed record Issued(string Token, DateTimeOffset ExpiresAt);

    public Issued Issue()
    {
        var now = time.GetUtcNow();
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(now.AddMinutes(options.Value.SessionMinutes).ToUnixTimeSeconds());
        var token = tokens.Sign(SignedTokens.OperatorKind, new OperatorSessionPayload(
            SignedTokens.NewId(), tokens.Fingerprint(configuration["Operator:ApiKey"] ?? ""), now.ToUnixTimeSeconds(), expiresAt.ToUnixTimeSeconds()));
        return new Issued(token, expiresAt);
    }

    public async Task<OperatorSession?> ReadAsync(string token, CancellationToken cancellationToken)
    {
        var payload = tokens.Read<OperatorSessionPayload>(SignedTokens.OperatorKind, token);
        var key = configuration["Operator:ApiKey"];
        if (payload is null || string.IsNullOrEmpty(key) || payload.Exp <= time.GetUtcNow().ToUnixTimeSeconds()) return null;
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(payload.Kf), Encoding.UTF8.GetBytes(tokens.Fingerprint(key))))
            return null;

        await using var connection = await db.OpenAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE token_id = @Jti)", new { payload.Jti }))
            return null;
        return new OperatorSession(payload.Jti, "operator:session:" + payload.Jti[..8], DateTimeOffset.FromUnixTimeSeconds(payload.Exp));
    }

    /// <summary>Signs the session out until it would have expired.</summary>
    public async Task RevokeAsync(OperatorSession session, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("""
            DELETE FROM revoked_tokens WHERE expires_at < @Now;
            INSERT INTO revoked_tokens (token_id, expires_at) VALUES (@TokenId, @ExpiresAt) ON CONFLICT (token_id) DO NOTHING;
            """, new { Now = Db.Timestamp(time.GetUtcNow()), session.TokenId, ExpiresAt = Db.Timestamp(session.ExpiresAt) });
    }
}

/// <summary>POST, GET and DELETE /api/system/session: start an operator session with the key, see it, sign it out.</summary>
public static class OperatorSessionEndpoints
{
    public sealed record Started(string Token, DateTimeOffset ExpiresAt);

    public sealed record Current(string Actor, string Via, DateTimeOffset? ExpiresAt);

    public sealed record SignedOut(bool Revoked);

    public static IResult Start(HttpContext http, OperatorSessions sessions)
    {
        if (OperatorKeyFilter.IdentityOf(http)?.Session is not null)
            return Api.Error(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden,
                "An operator session cannot start another: sign in with the operator key (X-Operator-Key).");
        var issued = sessions.Issue();
        return Api.Ok(new Started(issued.Token, issued.ExpiresAt), "Operator session started. Keep the token, not the key.");
    }

    public static IResult Show(HttpContext http)
    {
        var identity = OperatorKeyFilter.IdentityOf(http)!;
        return Api.Ok(new Current(identity.Actor, identity.Session is null ? "key" : "session", identity.Session?.ExpiresAt));
    }

    public static async Task<IResult> End(HttpContext http, OperatorSessions sessions, CancellationToken ct)
    {
        if (OperatorKeyFilter.IdentityOf(http)?.Session is not { } session)
            return Api.Ok(new SignedOut(false), "The operator key is not a session; nothing was signed out.");
        await sessions.RevokeAsync(session, ct);
        return Api.Ok(new SignedOut(true), "Signed out.");
    }
}

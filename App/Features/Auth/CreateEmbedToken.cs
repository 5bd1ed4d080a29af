using App.Infrastructure.Hosting;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace App.Features.Auth;

/// <summary>
/// POST /api/tenant/embed-token {ttl_minutes?, permissions?} — API key only. A short-lived token for one tenant that the
/// admin UI takes in place of the key (?token= in the admin URL, then Authorization: Bearer), so the long-lived key stays
/// out of URLs (see docs/decisions.md, "Security"). It acts with the key's permissions except manage_users — a leaked link must not be able
/// to create lasting accounts — and it cannot mint further embed tokens. <c>permissions</c> narrows it further.
/// Default 15 minutes, at most 12 hours; rotating the API key ends every embed token it minted.
/// </summary>
public static class CreateEmbedToken
{
    public static readonly IReadOnlySet<string> Grantable =
        Permissions.All.Where(p => p != Permissions.ManageUsers).ToHashSet(StringComparer.Ordinal);

    public sealed record Request(double? TtlMinutes, IReadOnlyList<string>? Permissions);

    public sealed record Response(string Token, string Url, DateTimeOffset ExpiresAt, IReadOnlyList<string> Permissions);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator(IOptions<AuthOptions> options)
        {
            var max = options.Value.EmbedMaxMinutes;
            RuleFor(r => r.TtlMinutes).InclusiveBetween(1, max).When(r => r.TtlMinutes is not null)
                .WithMessage($"ttl_minutes is between 1 and {max}.");
            RuleFor(r => r.Permissions).Must(list => list!.All(Grantable.Contains)).When(r => r.Permissions is not null)
                .WithMessage(r => $"An embed token cannot hold: {string.Join(", ", r.Permissions!.Where(p => !Grantable.Contains(p)))}. " +
                                  $"Use any of: {string.Join(", ", Grantable)}.");
        }
    }

    public static async Task<IResult> Handle(Request? request, CurrentTenant tenant, Db db, SignedTokens tokens, PublicUrls urls,
        TimeProvider time, IOptions<AuthOptions> options, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var keyPrefix = await connection.QuerySingleOrDefaultAsync<string>(
            "SELECT api_key_prefix FROM tenants WHERE id = @Id AND is_active = 1", new { tenant.Id });
        if (keyPrefix is null) return Api.NotFound("tenant");

        var minted = Mint(tokens, urls, time.GetUtcNow(), tenant.Id, keyPrefix, request?.TtlMinutes ?? options.Value.EmbedDefaultMinutes,
            request?.Permissions ?? Grantable.ToArray());
        return Api.Ok(minted, "Embed token created; it is shown only now.");
    }

    /// <summary>
    /// A token for <paramref name="tenantId"/> in the name of its current key (<paramref name="keyPrefix"/>), and the admin
    /// URL that carries it. Also used by the operator console to open a tenant's admin pages.
    /// </summary>
    public static Response Mint(SignedTokens tokens, PublicUrls urls, DateTimeOffset now, string tenantId, string keyPrefix, double ttlMinutes,
        IEnumerable<string> permissions)
    {
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(now.AddMinutes(ttlMinutes).ToUnixTimeSeconds());
        var granted = AuthClaims.Ordered(permissions.Where(Grantable.Contains));
        var token = tokens.Sign(SignedTokens.EmbedKind, new EmbedPayload(
            SignedTokens.NewId(), tenantId, keyPrefix, granted, now.ToUnixTimeSeconds(), expiresAt.ToUnixTimeSeconds()));
        var url = urls.For($"/admin/{Uri.EscapeDataString(tenantId)}?token={Uri.EscapeDataString(token)}");
        return new Response(token, url, expiresAt, granted);
    }
}

using App.Features.Audit;
using App.Features.Auth;
using App.Features.Spend;
using App.Infrastructure.Hosting;
using Microsoft.Extensions.Options;

namespace App.Features.Operator;

/// <summary>
/// What the operator changes on one tenant beyond the provisioning API (/api/system/tenants: create, rename,
/// disable/enable, rotate key): its spend cap, and short-lived admin links to look at its pages as it does. Each is
/// audited in the tenant's trail as the operator's.
/// </summary>
public static class TenantActions
{
    public sealed record SpendCapRequest(decimal? MonthlySpendCapUsd);

    public sealed record EmbedUrlRequest(double? TtlMinutes);

    public const decimal MaxCapUsd = 1_000_000_000m;

    /// <summary>
    /// PUT …/spend-cap {monthly_spend_cap_usd} — the tenant's own monthly cap in USD (0 stops every send); null or absent
    /// removes it, and then Operator:DefaultMonthlySpendCapUsd applies. Answers with this month's spend against it.
    /// </summary>
    public static async Task<IResult> SetSpendCap(string id, SpendCapRequest? request, HttpContext http, Db db, TenantDirectory directory,
        SpendCaps caps, TimeProvider time, CancellationToken ct)
    {
        var cap = request?.MonthlySpendCapUsd;
        if (cap is < 0 or > MaxCapUsd)
            return Validation.Problem("monthly_spend_cap_usd", $"The cap is an amount in USD from 0 to {MaxCapUsd:0}, or null for the default.");

        await using var connection = await db.OpenAsync(ct);
        if (await OperatorTenants.SettingsAsync(connection, id) is not { } before) return Api.NotFound("tenant");
        var after = before with { MonthlySpendCapUsd = cap is null ? null : Math.Round(cap.Value, 2) };
        await connection.ExecuteAsync("""
            UPDATE tenants SET settings = @Settings, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = @id
            """, new { id, Settings = after.ToJson() });
        directory.Invalidate();
        AuditChanges.Record(http, new { Settings = new { before.MonthlySpendCapUsd } }, new { Settings = new { after.MonthlySpendCapUsd } });

        var month = MonthlySpend.MonthOf(time.GetUtcNow());
        var spend = caps.Describe(after, month, await MonthlySpend.ReadAsync(connection, id, month, caps.Rates));
        return Api.Ok(spend, after.MonthlySpendCapUsd is { } set
            ? $"Monthly spend cap set to {Micros.Format(set)}."
            : caps.CapFor(after) is { } fallback ? $"The tenant's own cap is removed; the default of {Micros.Format(fallback.CapUsd)} applies."
            : "The tenant's own cap is removed; no default cap is configured.");
    }

    /// <summary>
    /// POST …/embed-url {ttl_minutes?} — an admin URL for the tenant with a short-lived embed token (every permission but
    /// manage_users, as the tenant's own embed tokens), for the operator to see what the tenant sees. The token ends at
    /// its expiry or when the tenant's key is rotated; its actor in the tenant's trail is the embed token.
    /// </summary>
    public static async Task<IResult> MintEmbedUrl(string id, EmbedUrlRequest? request, HttpContext http, Db db, SignedTokens tokens,
        PublicUrls urls, TimeProvider time, IOptions<AuthOptions> options, CancellationToken ct)
    {
        var ttl = request?.TtlMinutes ?? options.Value.EmbedDefaultMinutes;
        if (ttl < 1 || ttl > options.Value.EmbedMaxMinutes)
            return Validation.Problem("ttl_minutes", $"ttl_minutes is between 1 and {options.Value.EmbedMaxMinutes}.");

        await using var connection = await db.OpenAsync(ct);
        var found = await connection.QuerySingleOrDefaultAsync<TenantKey>("SELECT api_key_prefix AS key_prefix, is_active FROM tenants WHERE id = @id", new { id });
        if (found is null) return Api.NotFound("tenant");
        if (!found.IsActive)
            return Api.Error(StatusCodes.Status409Conflict, ErrorCodes.Conflict, "The tenant is disabled: enable it before opening its admin pages.");

        var minted = CreateEmbedToken.Mint(tokens, urls, time.GetUtcNow(), id, found.KeyPrefix, ttl, CreateEmbedToken.Grantable);
        AuditChanges.Record(http, new { EmbedActor = (string?)null }, new { EmbedActor = EmbedTokenReader.ActorName(TokenId(minted.Token, tokens)) });
        return Api.Ok(minted, "Embed URL created; it is shown only now.");
    }

    private sealed class TenantKey
    {
        public string KeyPrefix { get; init; } = "";
        public bool IsActive { get; init; }
    }

    private static string TokenId(string token, SignedTokens tokens) => tokens.Read<EmbedPayload>(SignedTokens.EmbedKind, token)!.Jti;
}

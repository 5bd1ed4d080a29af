using App.Features.Files;
using App.Features.Spend;
using App.Features.Tenants;
using App.Infrastructure.Security;
using Microsoft.Extensions.Options;

namespace App.Features.Operator;

/// <summary>
/// GET /api/system/tenants/{id}/profile — the operator's view of one tenant: its profile as the tenant sees it (the
/// Twilio token only as a mask), whether it can send, this month's spend against its cap and its audio storage.
/// </summary>
public static class GetTenantPage
{
    public sealed record TenantPage(GetProfile.Profile Profile, bool TwilioConfigured, SpendStatus Spend, Storage Storage);

    public sealed record Storage(long UsedBytes, long QuotaBytes, long FileCount);

    public static async Task<IResult> Handle(string id, Db db, SecretProtector secrets, SpendCaps caps, IOptions<FilesOptions> files,
        IConfiguration configuration, TimeProvider time, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<GetProfile.Row>(GetProfile.Sql, new { tenantId = id });
        if (row is null) return Api.NotFound("tenant");

        var configured = await connection.ExecuteScalarAsync<bool>($"SELECT {OperatorTenants.TwilioConfiguredSql} FROM tenants WHERE id = @id", new { id });
        var month = MonthlySpend.MonthOf(time.GetUtcNow());
        var spent = await MonthlySpend.ReadAsync(connection, id, month, caps.Rates);
        var (count, used) = await connection.QuerySingleAsync<(long Count, long Used)>(
            "SELECT COUNT(*) AS count, COALESCE(SUM(file_size), 0) AS used FROM voice_files WHERE tenant_id = @id", new { id });

        var profile = GetProfile.ToProfile(row, secrets, configuration);
        return Api.Ok(new TenantPage(profile, configured, caps.Describe(profile.Settings, month, spent),
            new Storage(used, files.Value.TenantQuotaBytes, count)));
    }
}

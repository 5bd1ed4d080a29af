using Microsoft.Extensions.Options;

namespace App.Features.Files;

/// <summary>GET /api/files/quota — bytes used (the sum of the tenant's stored files), the quota and what remains.</summary>
public static class GetQuota
{
    public sealed record Quota(long UsedBytes, long QuotaBytes, long RemainingBytes, long FileCount, long MaxUploadBytes);

    private const string Sql = "SELECT COUNT(*) AS count, COALESCE(SUM(file_size), 0) AS used FROM voice_files WHERE tenant_id = @tenantId";

    public static async Task<IResult> Handle(CurrentTenant tenant, Db db, IOptions<FilesOptions> options, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var (count, used) = await connection.QuerySingleAsync<(long Count, long Used)>(Sql, new { tenantId = tenant.Id });
        var quota = options.Value.TenantQuotaBytes;
        return Api.Ok(new Quota(used, quota, Math.Max(0, quota - used), count, options.Value.MaxUploadBytes));
    }
}

namespace App.Features.Audit;

/// <summary>GET /api/audit/{id} — one row of the tenant's trail. There is no PUT or DELETE: they answer 405.</summary>
public static class GetAuditEntry
{
    public static async Task<IResult> Handle(long id, CurrentTenant tenant, Db db, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<ListAudit.Row>(
            $"SELECT {ListAudit.Columns} FROM audit_log WHERE id = @Id AND tenant_id = @TenantId", new { Id = id, TenantId = tenant.Id });
        return Api.OkOrNotFound(row, ListAudit.ToEntry, "audit entry");
    }
}

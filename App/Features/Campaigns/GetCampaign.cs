using Microsoft.AspNetCore.Mvc;
using App.Features.Spend;

namespace App.Features.Campaigns;

/// <summary>GET /api/campaigns/{id}: the campaign with its counts by status, read live.</summary>
public static class GetCampaign
{
    public static async Task<IResult> Handle(long id, CurrentTenant tenant, Db db, TenantDirectory directory, SpendCaps spendCaps, TimeProvider time, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var campaign = await Campaign.FindAsync(connection, tenant.Id, id);
        if (campaign is null) return Campaign.NotFound();
        var settings = await directory.SettingsAsync(tenant.Id, ct) ?? new TenantSettings();
        return Api.Ok(await Campaign.ViewAsync(connection, campaign, settings, spendCaps, time.GetUtcNow()));
    }
}

/// <summary>GET /api/campaigns?page=&amp;per_page=&amp;state= — the tenant's campaigns, newest first, each with its counts.</summary>
public static class ListCampaigns
{
    private static readonly string[] States = [Campaign.Draft, Campaign.Running, Campaign.Completed, Campaign.Cancelled];

    public static async Task<IResult> Handle(int? page, [FromQuery(Name = "per_page")] int? perPage, string? state, CurrentTenant tenant, Db db,
        TenantDirectory directory, SpendCaps spendCaps, TimeProvider time, CancellationToken ct)
    {
        state = string.IsNullOrWhiteSpace(state) ? null : state.Trim().ToLowerInvariant();
        if (state is not null && !States.Contains(state)) return Validation.Problem("state", $"The state is one of {string.Join(", ", States)}.");

        var request = PageRequest.From(page, perPage);
        await using var connection = await db.OpenAsync(ct);
        var parameters = new { tenantId = tenant.Id, state, limit = request.PerPage, offset = request.Offset };
        const string where = "WHERE tenant_id = @tenantId AND state <> 'checking' AND (@state IS NULL OR state = @state)";
        var total = await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM campaigns {where}", parameters);
        var rows = await connection.QueryAsync<Campaign.Row>($"SELECT {Campaign.Columns} FROM campaigns {where} ORDER BY id DESC LIMIT @limit OFFSET @offset", parameters);
        var settings = await directory.SettingsAsync(tenant.Id, ct) ?? new TenantSettings();
        var views = new List<Campaign.View>();
        foreach (var row in rows) views.Add(await Campaign.ViewAsync(connection, row, settings, spendCaps, time.GetUtcNow()));
        return Api.Page(views, request, total);
    }
}

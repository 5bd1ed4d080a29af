namespace App.Features.Campaigns;

/// <summary>
/// DELETE /api/campaigns/{id}: removes a draft (a spreadsheet that was checked but never started), e.g. before the
/// fixed file is uploaded again. A campaign that sent anything stays, with its history.
/// </summary>
public static class DeleteCampaign
{
    public sealed record Deleted(long Id);

    public static async Task<IResult> Handle(long id, CurrentTenant tenant, Db db, WriteBatcher writes, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var campaign = await Campaign.FindAsync(connection, tenant.Id, id);
        if (campaign is null) return Campaign.NotFound();
        var deleted = await writes.WriteAsync(async (write, transaction) => await write.ExecuteAsync(
            "DELETE FROM campaigns WHERE id = @id AND tenant_id = @tenantId AND state = 'draft'", new { id, tenantId = tenant.Id }, transaction));
        return deleted == 1
            ? Api.Ok(new Deleted(id), "Draft deleted.")
            : Api.Error(StatusCodes.Status409Conflict, ErrorCodes.CampaignStateConflict, $"Only a draft can be deleted; this campaign is {campaign.State}. Cancel it instead.");
    }
}

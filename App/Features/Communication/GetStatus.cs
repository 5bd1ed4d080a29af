using App.Twilio;

namespace App.Features.Communication;

/// <summary>
/// GET /api/communication/status/{sid} — the stored row for a Twilio SID, refreshed from Twilio first (final status,
/// cost, duration). When Twilio cannot be reached the stored row is returned with <c>refreshed: false</c>.
/// </summary>
public static class GetStatus
{
    public sealed record Answer(HistoryItem Item, bool Refreshed, string? RefreshError);

    public static async Task<IResult> Handle(string sid, CurrentTenant tenant, Db db, TwilioAccounts accounts, TwilioRest twilio, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        const string Sql = $"SELECT {HistoryItem.Columns} FROM communication_log WHERE tenant_id = @tenantId AND twilio_sid = @sid";
        var item = await connection.QuerySingleOrDefaultAsync<HistoryItem>(Sql, new { tenantId = tenant.Id, sid });
        if (item is null) return Api.NotFound("message or call");

        string? refreshError = null;
        var account = await accounts.FindAsync(tenant.Id, ct);
        if (account?.Credentials is null)
        {
            refreshError = account?.MissingConfiguration ?? "No Twilio account.";
        }
        else
        {
            try
            {
                await TwilioRefresh.RefreshAsync(connection, twilio, account.Credentials, item.Id, item.NetworkType, sid, ct);
                item = await connection.QuerySingleAsync<HistoryItem>(Sql, new { tenantId = tenant.Id, sid });
            }
            catch (TwilioException error)
            {
                refreshError = error.Message;
            }
        }

        return Api.Ok(new Answer(item, refreshError is null, refreshError));
    }
}

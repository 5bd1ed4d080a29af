using App.Twilio;
using App.Infrastructure.Security;

namespace App.Features.Tenants;

public static class GetProfile
{
    public sealed record Profile(
        string Id,
        string Name,
        string ApiKeyPrefix,
        string? TwilioSid,
        string? TwilioTokenMask,
        string? TwilioApiKeySid,
        string? FromNumber,
        bool IsActive,
        bool Simulated,
        TenantSettings Settings,
        DateTimeOffset CreatedAt,
        DateTimeOffset UpdatedAt);

    /// <summary>The tenant as stored: its summary (as the vendor's tenant list shows it), its Twilio account and its settings.</summary>
    internal sealed class Row : TenantProvisioning.TenantSummary
    {
        public string? TwilioSid { get; init; }
        public string? TwilioTokenEncrypted { get; init; }
        public string? TwilioApiKeySid { get; init; }
        public string? Settings { get; init; }
    }

    internal const string Columns = $"{TenantProvisioning.SummaryColumns}, twilio_sid, twilio_token_encrypted, twilio_api_key_sid, settings";

    internal const string Sql = $"SELECT {Columns} FROM tenants WHERE id = @tenantId";

    public static async Task<IResult> Handle(CurrentTenant tenant, Db db, SecretProtector secrets, IConfiguration configuration, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(Sql, new { tenantId = tenant.Id });
        return Api.OkOrNotFound(row, found => ToProfile(found, secrets, configuration), "tenant");
    }

    internal static Profile ToProfile(Row row, SecretProtector secrets, IConfiguration configuration) => new(
        row.Id, row.Name, row.ApiKeyPrefix, row.TwilioSid,
        SecretProtector.Mask(secrets.Unprotect(row.TwilioTokenEncrypted)),
        row.TwilioApiKeySid, row.FromNumber, row.IsActive,
        Simulated: TwilioMode.IsSimulated(configuration),
        TenantSettings.Parse(row.Settings), row.CreatedAt, row.UpdatedAt);
}

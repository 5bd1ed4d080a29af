using Microsoft.Data.Sqlite;

namespace App.Features.Operator;

/// <summary>What the operator's per-tenant endpoints share: finding the tenant (active or not), and one rule for "can send".</summary>
internal static class OperatorTenants
{
    /// <summary>An account SID, a way to authenticate (auth token or API key secret) and a sending number.</summary>
    public const string TwilioConfiguredSql = """
        twilio_sid IS NOT NULL AND from_number IS NOT NULL
        AND (twilio_token_encrypted IS NOT NULL OR twilio_api_secret_encrypted IS NOT NULL)
        """;

    /// <summary>The tenant's settings, disabled tenants included; null when no tenant has this id.</summary>
    public static async Task<TenantSettings?> SettingsAsync(SqliteConnection connection, string tenantId)
    {
        var json = await connection.QuerySingleOrDefaultAsync<string?>("SELECT COALESCE(settings, '') FROM tenants WHERE id = @tenantId", new { tenantId });
        return json is null ? null : TenantSettings.Parse(json);
    }
}

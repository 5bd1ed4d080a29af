using System.Text.Json;

namespace App.Infrastructure.Tenancy;

/// <summary>A tenant's settings JSON (the <c>settings</c> column).</summary>
public sealed record TenantSettings
{
    /// <summary>Origins allowed to frame the admin UI (CSP frame-ancestors), e.g. "https://crm.example.com".</summary>
    public IReadOnlyList<string> AllowedEmbedOrigins { get; init; } = [];

    /// <summary>ISO 3166 region used to read national phone numbers, e.g. "US", "GB".</summary>
    public string DefaultRegion { get; init; } = "US";

    /// <summary>IANA time zone for per-day usage and the UI, e.g. "America/Chicago".</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>What an inbound caller hears; a polite default when empty.</summary>
    public string? InboundGreeting { get; init; }

    /// <summary>
    /// USD this tenant's sends may cost per calendar month (UTC): Twilio's prices, and estimates until they arrive. Set by
    /// the operator; null means <c>Operator:DefaultMonthlySpendCapUsd</c> applies. See App/Features/Spend.
    /// </summary>
    public decimal? MonthlySpendCapUsd { get; init; }

    public static TenantSettings Parse(string? json) =>
        string.IsNullOrWhiteSpace(json) ? new TenantSettings() : JsonSerializer.Deserialize<TenantSettings>(json, Json.Options) ?? new TenantSettings();

    public string ToJson() => JsonSerializer.Serialize(this, Json.Options);
}

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
    /// When campaign rows and scheduled sends wait, in <see cref="TimeZone"/>: windows such as Monday–Friday 20:00–08:00.
    /// None when empty. See App/Features/Sending/QuietHours.cs.
    /// </summary>
    public IReadOnlyList<QuietWindow> QuietHours { get; init; } = [];

    /// <summary>
    /// USD this tenant's sends may cost per calendar month (UTC): Twilio's prices, and estimates until they arrive. Set by
    /// the operator; null means <c>Operator:DefaultMonthlySpendCapUsd</c> applies. See App/Features/Spend.
    /// </summary>
    public decimal? MonthlySpendCapUsd { get; init; }

    public static TenantSettings Parse(string? json) =>
        string.IsNullOrWhiteSpace(json) ? new TenantSettings() : JsonSerializer.Deserialize<TenantSettings>(json, Json.Options) ?? new TenantSettings();

    public string ToJson() => JsonSerializer.Serialize(this, Json.Options);
}

/// <summary>
/// A quiet window that starts on each of <see cref="Days"/> ("mon".."sun") at <see cref="From"/> and ends at
/// <see cref="To"/> ("HH:mm"), the next day when To is not after From; From equal to To is the whole day.
/// </summary>
public sealed record QuietWindow(IReadOnlyList<string> Days, string From, string To)
{
    public static readonly IReadOnlyList<string> DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    public static bool IsTime(string? text) =>
        text is { Length: 5 } && TimeOnly.TryParseExact(text, "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _);

    public static bool IsDay(string? day) => day is not null && DayNames.Contains(day.ToLowerInvariant());
}

using System.ComponentModel.DataAnnotations;

namespace App.Features.Spend;

/// <summary>
/// <c>Operator:</c> settings of spend caps: the cap of tenants that have none of their own, and what a send is reckoned
/// to cost until Twilio's price for it arrives (Twilio prices an SMS per segment and a call per started minute; the
/// defaults are of the order of its US prices).
/// </summary>
public sealed class SpendOptions
{
    public const string Section = "Operator";

    /// <summary>USD per calendar month (UTC) for tenants without <c>settings.monthly_spend_cap_usd</c>; empty: no cap.</summary>
    [Range(typeof(decimal), "0", "1000000000")]
    public decimal? DefaultMonthlySpendCapUsd { get; set; }

    [Range(typeof(decimal), "0", "100")]
    public decimal SmsSegmentEstimateUsd { get; set; } = 0.0079m;

    [Range(typeof(decimal), "0", "100")]
    public decimal CallMinuteEstimateUsd { get; set; } = 0.014m;

    /// <summary>Minutes a call is reckoned to last until it has ended (then its real length counts, until its price arrives).</summary>
    [Range(0, 240)]
    public int CallEstimateMinutes { get; set; } = 2;
}

/// <summary>The estimates in millionths of a dollar, the unit of tenant_monthly_spend.</summary>
public sealed record SpendRates(long SmsSegmentMicros, long CallMinuteMicros, int CallEstimateMinutes)
{
    public long CallMicros => CallMinuteMicros * CallEstimateMinutes;

    public static SpendRates From(SpendOptions options) =>
        new(Micros.From(options.SmsSegmentEstimateUsd), Micros.From(options.CallMinuteEstimateUsd), options.CallEstimateMinutes);
}

/// <summary>Dollars as whole millionths, so that sums never drift.</summary>
public static class Micros
{
    public static long From(decimal usd) => (long)Math.Round(usd * 1_000_000m, MidpointRounding.AwayFromZero);

    public static decimal ToUsd(long micros) => micros / 1_000_000m;

    /// <summary>"$12.50", "$0.0079".</summary>
    public static string Format(decimal usd) => "$" + usd.ToString("0.00##", System.Globalization.CultureInfo.InvariantCulture);
}

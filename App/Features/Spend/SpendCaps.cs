using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace App.Features.Spend;

/// <summary>
/// Monthly spend caps. A tenant's cap is its <c>settings.monthly_spend_cap_usd</c>, else
/// <c>Operator:DefaultMonthlySpendCapUsd</c>; a send that would take this month's spend (Twilio's prices, estimates for
/// what is not priced yet, this send's estimate included) over the cap is refused with 409 SPEND_CAP_REACHED, and one
/// that takes it to 80 % or more is accepted with a SPEND_CAP_NEAR warning.
/// <para>Every way of sending uses it in two steps: <see cref="LimitForAsync"/> before its write unit is queued (a cached
/// read; null when the tenant has no cap, and then nothing is checked), and <see cref="SpendLimit.Check"/> inside the
/// unit, where the writer sees every send accepted before it, so a burst cannot slip past the cap together. A send of
/// many at once (a campaign) checks the sum of their <see cref="Estimate"/>s.</para>
/// </summary>
public sealed class SpendCaps(TenantDirectory directory, IOptionsMonitor<SpendOptions> options)
{
    public const decimal WarnAtFraction = 0.8m;
    public const string NearCode = "SPEND_CAP_NEAR";

    public SpendRates Rates => SpendRates.From(options.CurrentValue);

    /// <summary>The cap that applies to a tenant with these settings, and where it comes from; null when there is none.</summary>
    public (decimal CapUsd, string Source)? CapFor(TenantSettings settings) =>
        settings.MonthlySpendCapUsd is { } own ? (own, "tenant")
        : options.CurrentValue.DefaultMonthlySpendCapUsd is { } fallback ? (fallback, "default")
        : null;

    /// <summary>The active tenant's cap for the sends about to be written; null when it has none (or is unknown or disabled).</summary>
    public async Task<SpendLimit?> LimitForAsync(string tenantId, CancellationToken cancellationToken)
    {
        var settings = await directory.SettingsAsync(tenantId, cancellationToken);
        return settings is not null && CapFor(settings) is { } cap ? new SpendLimit(tenantId, cap.CapUsd, Rates) : null;
    }

    /// <summary>What a new send is reckoned to cost until its price arrives: the estimate the monthly counters use for it.</summary>
    public long Estimate(string channel, int? segments)
    {
        var rates = Rates;
        return channel == "sms" ? Math.Max(1, segments ?? 1) * rates.SmsSegmentMicros : rates.CallMicros;
    }

    /// <summary>A tenant's month for display: spent, cap and how close it is (the overview, the tenant pages).</summary>
    public SpendStatus Describe(TenantSettings settings, string month, long spentMicros)
    {
        var spent = Micros.ToUsd(spentMicros);
        if (CapFor(settings) is not { } cap) return new SpendStatus(month, spent, null, null, null, SpendStatus.NoCap);
        var fraction = Fraction(spent, cap.CapUsd);
        var level = fraction >= 1 ? SpendStatus.Reached : fraction >= WarnAtFraction ? SpendStatus.Near : SpendStatus.Ok;
        return new SpendStatus(month, spent, cap.CapUsd, cap.Source, Math.Round(fraction * 100, 1), level);
    }

    internal static decimal Fraction(decimal spent, decimal cap) => cap > 0 ? spent / cap : spent > 0 ? 1 : 0;
}

/// <summary>One tenant's cap, ready to be checked inside a write unit.</summary>
public sealed record SpendLimit(string TenantId, decimal CapUsd, SpendRates Rates)
{
    /// <summary>
    /// This month's spend as the writer sees it now, with <paramref name="additionalMicros"/> (what is about to be
    /// written) added. One primary-key read on the caller's connection and transaction.
    /// </summary>
    public SpendCheck Check(SqliteConnection connection, SqliteTransaction transaction, long additionalMicros)
    {
        var month = MonthlySpend.MonthOf(DateTimeOffset.UtcNow);
        var spent = MonthlySpend.Read(connection, transaction, TenantId, month, Rates);
        return new SpendCheck(month, CapUsd, Micros.ToUsd(spent), Micros.ToUsd(additionalMicros));
    }
}

/// <summary>The outcome of a cap check: refuse (<see cref="WouldExceed"/>), warn (<see cref="Warning"/>) or neither.</summary>
public sealed record SpendCheck(string Month, decimal CapUsd, decimal SpentUsd, decimal AddedUsd)
{
    public decimal AfterUsd => SpentUsd + AddedUsd;

    public bool WouldExceed => AfterUsd > CapUsd;

    public IResult Refusal() => Api.Error(StatusCodes.Status409Conflict, ErrorCodes.SpendCapReached,
        $"This tenant's monthly spend cap of {Micros.Format(CapUsd)} is reached: {Micros.Format(SpentUsd)} spent in {Month} " +
        $"(Twilio's prices, and estimates where they have not arrived), and this send is reckoned at {Micros.Format(AddedUsd)}. " +
        "Nothing was sent. The vendor can raise the cap; it resets at the start of next month (UTC).",
        new Dictionary<string, object>
        {
            ["cap_usd"] = CapUsd,
            ["spent_usd"] = SpentUsd,
            ["send_estimate_usd"] = AddedUsd,
            ["month"] = Month,
        });

    /// <summary>At 80 % of the cap or more (after this send): what the answer tells the caller; null below.</summary>
    public ApiWarning? Warning()
    {
        var fraction = SpendCaps.Fraction(AfterUsd, CapUsd);
        if (WouldExceed || fraction < SpendCaps.WarnAtFraction) return null;
        var percent = Math.Floor(fraction * 100);
        return new ApiWarning(SpendCaps.NearCode,
            $"This tenant has used {percent.ToString(CultureInfo.InvariantCulture)} % of its monthly spend cap " +
            $"({Micros.Format(AfterUsd)} of {Micros.Format(CapUsd)} in {Month}); sends that would go over it will be refused.",
            new Dictionary<string, object>
            {
                ["cap_usd"] = CapUsd,
                ["spent_usd"] = AfterUsd,
                ["percent"] = percent,
                ["month"] = Month,
            });
    }
}

/// <summary>A tenant's spend in a month against its cap. <see cref="Level"/>: none (no cap), ok, near (80 % or more), reached.</summary>
public sealed record SpendStatus(string Month, decimal SpentUsd, decimal? CapUsd, string? CapSource, decimal? PercentOfCap, string Level)
{
    public const string NoCap = "none";
    public const string Ok = "ok";
    public const string Near = "near";
    public const string Reached = "reached";
}

public static class SpendCapsServices
{
    public static IServiceCollection AddSpendCaps(this IServiceCollection services)
    {
        services.AddOptions<SpendOptions>().BindConfiguration(SpendOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services.AddSingleton<SpendCaps>();
    }
}

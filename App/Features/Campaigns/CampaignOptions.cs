using App.Twilio;
using App.Twilio.Simulator;
using Microsoft.Extensions.Options;

namespace App.Features.Campaigns;

/// <summary>Settings under <c>Campaigns:</c>.</summary>
public sealed class CampaignOptions
{
    public const string SectionName = "Campaigns";

    /// <summary>Data rows one spreadsheet may hold.</summary>
    public int MaxRows { get; set; } = 50_000;

    /// <summary>The largest spreadsheet accepted (50,000 rows with a few variables each fit in a few MB).</summary>
    public long MaxFileBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>
    /// How far ahead of Twilio a running campaign fills the outbox, in seconds of the tenant's pacing
    /// (Outbox:TenantSendsPerSecond): enough to keep the pace, little enough that a cancel or quiet hours stop it at once.
    /// </summary>
    public double LeadSeconds { get; set; } = 2;

    /// <summary>How often running campaigns are topped up when nothing woke the dispatcher.</summary>
    public int PollIntervalMs { get; set; } = 250;

    /// <summary>Estimate of Twilio's price per SMS segment in Live mode (the simulator's own price in Simulated mode).</summary>
    public decimal SmsPricePerSegmentUsd { get; set; } = 0.0079m;

    /// <summary>Estimate of Twilio's price per started call minute in Live mode (the simulator's own price in Simulated mode).</summary>
    public decimal CallPricePerMinuteUsd { get; set; } = 0.014m;
}

/// <summary>The prices a campaign's cost estimate uses: the simulator's when simulating, else the configured estimate.</summary>
public sealed class CampaignPrices(IConfiguration configuration, IOptions<CampaignOptions> options, IOptions<SimulatorOptions> simulator)
{
    public decimal PerSmsSegment => TwilioMode.IsSimulated(configuration) ? simulator.Value.SmsPricePerSegment : options.Value.SmsPricePerSegmentUsd;

    public decimal PerCallMinute => TwilioMode.IsSimulated(configuration) ? simulator.Value.CallPricePerMinute : options.Value.CallPricePerMinuteUsd;
}

public static class CampaignServices
{
    public static IServiceCollection AddCampaigns(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CampaignOptions>().Bind(configuration.GetSection(CampaignOptions.SectionName));
        services.AddSingleton<CampaignPrices>();
        services.AddSingleton<CampaignSignal>();
        services.AddSingleton<CampaignQueue>();
        services.AddHostedService<CampaignDispatcher>();
        return services;
    }
}

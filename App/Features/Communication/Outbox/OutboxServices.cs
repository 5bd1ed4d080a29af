namespace App.Features.Communication.Outbox;

public static class OutboxServices
{
    public static IServiceCollection AddOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.SectionName));
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<TenantPacer>();
        services.AddTransient<OutboxSender>();
        services.AddSingleton<OutboxWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<OutboxWorker>());
        return services;
    }
}

public static class CommunicationServices
{
    /// <summary>The outbox (worker, pacing) and the history's search indexer.</summary>
    public static IServiceCollection AddCommunication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOutbox(configuration);
        services.AddHostedService<HistorySearchIndexer>();
        return services;
    }
}

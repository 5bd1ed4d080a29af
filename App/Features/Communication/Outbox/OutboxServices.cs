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

namespace App.Features.Operator;

public static class OperatorServices
{
    public static IServiceCollection AddOperatorConsole(this IServiceCollection services)
    {
        services.AddOptions<OperatorOptions>().BindConfiguration(OperatorOptions.Section)
            .Validate(o => o.SessionMinutes is > 0 and <= 24 * 60, "Operator:SessionMinutes is between 0 and 1440.");
        services.AddSingleton<OperatorSessions>();
        return services.AddSingleton<IOperatorSessionReader>(provider => provider.GetRequiredService<OperatorSessions>());
    }
}

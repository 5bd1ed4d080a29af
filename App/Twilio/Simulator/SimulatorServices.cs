using System.ComponentModel.DataAnnotations;

namespace App.Twilio.Simulator;

/// <summary>Settings under <c>Twilio:Simulator</c>.</summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "Twilio:Simulator";

    /// <summary><c>Twilio:Simulator:StepDelayMs</c>: the pause between two lifecycle steps (queued → sending → ...).</summary>
    [Range(0, 600_000)]
    public int StepDelayMs { get; set; } = 1500;

    /// <summary><c>Twilio:Simulator:CallbackTimeoutMs</c>: limit for one callback, TwiML or media request (Twilio allows 15 s).</summary>
    [Range(100, 120_000)]
    public int CallbackTimeoutMs { get; set; } = 15_000;

    /// <summary><c>Twilio:Simulator:MaxStoredItems</c>: messages and calls kept in memory each; the oldest go first.</summary>
    [Range(10, 1_000_000)]
    public int MaxStoredItems { get; set; } = 10_000;

    /// <summary>
    /// <c>Twilio:Simulator:SmsPricePerSegment</c>: USD charged per segment of a sent (or received) message, written as
    /// Twilio does, a negative <c>price</c> such as <c>"-0.00790"</c>. Of the order of Twilio's US long-code price.
    /// </summary>
    [Range(typeof(decimal), "0", "100")]
    public decimal SmsPricePerSegment { get; set; } = 0.0079m;

    /// <summary><c>Twilio:Simulator:CallPricePerMinute</c>: USD per started minute of an answered outbound call.</summary>
    [Range(typeof(decimal), "0", "100")]
    public decimal CallPricePerMinute { get; set; } = 0.014m;

    public TimeSpan StepDelay => TimeSpan.FromMilliseconds(StepDelayMs);

    /// <summary>Twilio's price of a message of this many segments: negative, five decimals, as a string.</summary>
    public string SmsPrice(int segments) => SimulatorWire.Money(-SmsPricePerSegment * Math.Max(1, segments), 5);

    /// <summary>Twilio's price of an answered call lasting this many seconds: each started minute counts in full.</summary>
    public string CallPrice(int durationSeconds) => SimulatorWire.Money(-CallPricePerMinute * StartedMinutes(durationSeconds), 5);

    public static int StartedMinutes(int durationSeconds) => Math.Max(1, (durationSeconds + 59) / 60);
}

public static class SimulatorServices
{
    /// <summary>Named <see cref="HttpClient"/> the simulator uses for status callbacks, TwiML and media fetches and inbound hooks.</summary>
    public const string CallbackClientName = "twilio-simulator-callbacks";

    /// <summary>
    /// Registers the simulator's state, lifecycle engine and callback client. Harmless in Live mode: nothing is mapped
    /// (see <see cref="SimulatorModule"/>) and the engine stays idle.
    /// </summary>
    public static IServiceCollection AddTwilioSimulator(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SimulatorOptions>()
            .Bind(configuration.GetSection(SimulatorOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton<SimulatorLedger>();
        services.AddSingleton<SimulatorAuth>();
        services.AddSingleton<SimulatorHttp>();
        services.AddSingleton<SimulatorEngine>();
        services.AddHostedService(provider => provider.GetRequiredService<SimulatorEngine>());
        services.AddSingleton<MessageLifecycle>();
        services.AddSingleton<CallLifecycle>();

        services.AddHttpClient(CallbackClientName, (provider, client) =>
        {
            var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<SimulatorOptions>>().Value;
            client.Timeout = TimeSpan.FromMilliseconds(options.CallbackTimeoutMs);
            client.MaxResponseContentBufferSize = 1024 * 1024;
            client.DefaultRequestHeaders.UserAgent.ParseAdd("TwilioProxy/1.1");
        })
        // Signatures are as good as secrets for replay: keep every header out of the logs.
        .RedactLoggedHeaders(_ => true);

        return services;
    }
}

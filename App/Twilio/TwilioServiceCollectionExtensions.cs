using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

// Ours: puts TwilioRest on the factory HttpClient with our resilience pipeline (the SDK would make its own HttpClient).
namespace App.Twilio;

public static class TwilioServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="TwilioRest"/> as a typed HttpClient configured from the <c>Twilio</c> section
    /// (<see cref="TwilioRestOptions"/>), behind a resilience pipeline: retries as <see cref="TwilioRetryPolicy"/>
    /// allows, exponential back-off with jitter honouring <c>Retry-After</c>, and a per-attempt timeout. Redirects
    /// are not followed: a 3xx is Twilio's answer to read, not a request to repeat elsewhere.
    /// Returns the builder so the app can point it at the simulator.
    /// </summary>
    public static IHttpClientBuilder AddTwilioRest(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TwilioRestOptions>()
            .Bind(configuration.GetSection(TwilioRestOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.HasValidBaseUrl, "Twilio:ApiBaseUrl must be an absolute http(s) URL without a query.")
            .ValidateOnStart();

        var builder = services.AddHttpClient<TwilioRest>((provider, client) =>
        {
            var options = provider.GetRequiredService<IOptions<TwilioRestOptions>>().Value;
            client.BaseAddress = new Uri(options.ApiBaseUrl);
            client.Timeout = options.OverallTimeout;
        });

        builder.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });

        // Authorization carries tenant secrets: never log header values.
        builder.RedactLoggedHeaders(_ => true);

        builder.AddResilienceHandler("twilio", (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<TwilioRestOptions>>().Value;
            ConfigurePipeline(pipeline, options);
        });

        return builder;
    }

    internal static void ConfigurePipeline(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, TwilioRestOptions options)
    {
        if (options.MaxRetries > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(options.RetryBaseDelayMs),
                MaxDelay = TwilioRetryPolicy.MaxRetryDelay,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(TwilioRetryPolicy.ShouldRetry(
                    args.Context.GetRequestMessage()?.Method, args.Outcome.Result, args.Outcome.Exception)),
            });
        }

        // Added after the retry, so it is inner: it limits each attempt, not the whole call.
        pipeline.AddTimeout(TimeSpan.FromSeconds(options.TimeoutSeconds));
    }
}

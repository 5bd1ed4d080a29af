using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace App.Twilio;

public static class TwilioServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="TwilioClient"/> as a typed HttpClient configured from the <c>Twilio</c> section
    /// (<see cref="TwilioClientOptions"/>), behind a resilience pipeline: retries as <see cref="TwilioRetryPolicy"/>
    /// allows, exponential back-off with jitter honouring <c>Retry-After</c>, and a per-attempt timeout.
    /// Returns the builder so a test or the simulator can replace the primary handler.
    /// </summary>
    public static IHttpClientBuilder AddTwilioClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TwilioClientOptions>()
            .Bind(configuration.GetSection(TwilioClientOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.HasValidBaseUrl, "Twilio:ApiBaseUrl must be an absolute http(s) URL without a query.")
            .ValidateOnStart();

        var builder = services.AddHttpClient<TwilioClient>((provider, client) =>
        {
            var options = provider.GetRequiredService<IOptions<TwilioClientOptions>>().Value;
            client.BaseAddress = new Uri(options.ApiBaseUrl);
            client.Timeout = options.OverallTimeout;
        });

        // Authorization carries tenant secrets: never log header values.
        builder.RedactLoggedHeaders(_ => true);

        builder.AddResilienceHandler("twilio", (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<TwilioClientOptions>>().Value;
            ConfigurePipeline(pipeline, options);
        });

        return builder;
    }

    internal static void ConfigurePipeline(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, TwilioClientOptions options)
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

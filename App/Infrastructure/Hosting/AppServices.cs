using App.Twilio;
using App.Twilio.Simulator;
using FluentValidation;
using App.Infrastructure.Observability;
using App.Infrastructure.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.HttpOverrides;

namespace App.Infrastructure.Hosting;

/// <summary>What every feature stands on: database, JSON, auth, rate limits, OpenAPI, error log, the Twilio client. Features register their own services (Program.cs).</summary>
public static class AppServices
{
    public static IServiceCollection AddAppServices(this IServiceCollection services, IConfiguration configuration)
    {
        var dataDirectory = DataDirectory.From(configuration);
        Db.ConfigureDapper();
        services.AddSingleton(dataDirectory);
        // Room for the outbox to finish the Twilio requests in flight when stopping (Outbox:ShutdownGraceSeconds).
        services.Configure<HostOptions>(options =>
            options.ShutdownTimeout = TimeSpan.FromSeconds(configuration.GetValue("App:ShutdownTimeoutSeconds", 25)));
        services.AddSingleton<Db>();
        services.AddSingleton<WriteBatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<WriteBatcher>());
        services.AddSingleton<Migrator>();
        services.AddSingleton<ErrorLog>();
        services.AddSingleton<DataChangeWatch>();
        services.AddSingleton<TenantDirectory>();
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<PublicUrls>();
        services.AddMemoryCache();
        services.AddHttpContextAccessor();
        services.AddScoped(provider => CurrentTenant.From(
            provider.GetRequiredService<IHttpContextAccessor>().HttpContext?.User
            ?? throw new InvalidOperationException("CurrentTenant is only available inside a request.")));

        services.AddSingleton(provider => MasterKeys.From(provider.GetRequiredService<IConfiguration>(), provider.GetRequiredService<IHostEnvironment>()));
        services.AddDataProtection()
            .SetApplicationName("Switchboard")
            .PersistKeysToFileSystem(new DirectoryInfo(KeyRingWrapping.KeyRingDirectory(dataDirectory)));
        services.AddOptions<KeyManagementOptions>()
            .Configure<MasterKeys>((options, keys) => options.XmlEncryptor = new MasterKeyXmlEncryptor(keys));

        services.ConfigureHttpJsonOptions(options => Json.Configure(options.SerializerOptions));
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // Fly's proxy is the only hop in front of us; behind any other proxy, App:PublicBaseUrl is what counts.
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
        });

        services.AddAuthentication(TenantAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TenantAuthentication>(TenantAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder(TenantAuthentication.SchemeName)
                .RequireAuthenticatedUser().RequireClaim(TenantClaims.TenantId).Build());
        services.AddAuthorization(options => options.AddPermissionPolicies());
        services.AddValidatorsFromAssemblyContaining<Program>(ServiceLifetime.Singleton);
        services.AddTwilio(configuration);
        services.AddTwilioSimulator(configuration);
        services.AddTenantRateLimits(configuration);
        services.AddAppOpenApi();
        return services;
    }

    /// <summary>
    /// Twilio's REST API for every tenant, through the SDK's resource classes; in Simulated mode it talks to the
    /// built-in simulator over real HTTP at {PublicBaseUrl}/twilio-sim, exactly as it would talk to api.twilio.com.
    /// </summary>
    private static void AddTwilio(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<SimulatedAccounts>();
        services.AddSingleton<TwilioAccounts>();
        services.AddTwilioRest(configuration).ConfigureHttpClient((provider, client) =>
        {
            if (provider.GetRequiredService<TwilioAccounts>().IsSimulated)
                client.BaseAddress = new Uri(provider.GetRequiredService<PublicUrls>().BaseUrl + SimulatorModule.RoutePrefix);
        });
    }

    public static void PrepareDatabase(this IServiceProvider services) =>
        services.GetRequiredService<Migrator>().ApplyPending();

    /// <summary>
    /// The server's start: refuse without a master key where one is required, and bring the key ring under the
    /// current one before anything reads it.
    /// </summary>
    public static void PrepareKeyRing(this IServiceProvider services)
    {
        var result = KeyRingWrapping.WrapWithCurrentKey(services.GetRequiredService<DataDirectory>(), services.GetRequiredService<MasterKeys>());
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(KeyRingWrapping));
        if (result.Encrypted + result.Rewrapped > 0)
            logger.LogInformation("Key ring: encrypted {Encrypted} key(s) that were in the clear and re-encrypted {Rewrapped} under the current master key",
                result.Encrypted, result.Rewrapped);
        if (result.UnknownMasterKeys > 0)
            logger.LogWarning("Key ring: {Count} key(s) are encrypted with a master key that is neither App:MasterKey nor in App:PreviousMasterKeys; secrets protected with them cannot be read",
                result.UnknownMasterKeys);
    }
}

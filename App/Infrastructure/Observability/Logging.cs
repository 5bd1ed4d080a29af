using System.Text.RegularExpressions;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace App.Infrastructure.Observability;

/// <summary>
/// Serilog for the whole app: request logging (route, status, elapsed, tenant), console lines as compact JSON or as
/// readable text (see <see cref="ChooseConsoleFormat"/>), and a redaction pass so that API keys, operator keys, bearer
/// tokens, Twilio signatures and tokens never reach a sink. Sinks registered in DI (tests capture logs that way)
/// receive the same redacted events.
/// </summary>
public static partial class Logging
{
    public const string ConsoleFormatKey = "Logging:Console:Format";

    public enum ConsoleFormat { Json, Text }

    /// <summary>
    /// <c>Logging:Console:Format</c>: <c>json</c>, <c>text</c> or <c>auto</c> (the default). Auto writes readable text
    /// for a person, at a terminal or in Development, and JSON for log collectors: in a container and whenever the
    /// output goes to a pipe or file.
    /// </summary>
    public static ConsoleFormat ChooseConsoleFormat(string? setting, bool isDevelopment, bool outputRedirected, bool inContainer) =>
        setting?.Trim().ToLowerInvariant() switch
        {
            "json" => ConsoleFormat.Json,
            "text" => ConsoleFormat.Text,
            null or "" or "auto" => !inContainer && (isDevelopment || !outputRedirected) ? ConsoleFormat.Text : ConsoleFormat.Json,
            _ => throw new InvalidOperationException($"{ConsoleFormatKey} is '{setting}'; use json, text or auto."),
        };

    public static void AddAppLogging(this WebApplicationBuilder builder, bool toStandardError = false)
    {
        var format = ChooseConsoleFormat(
            builder.Configuration[ConsoleFormatKey],
            builder.Environment.IsDevelopment(),
            outputRedirected: toStandardError ? Console.IsErrorRedirected : Console.IsOutputRedirected,
            // Microsoft's .NET container images set this.
            inContainer: string.Equals(Environment.GetEnvironmentVariable("DOTNET_RUNNING_IN_CONTAINER"), "true", StringComparison.OrdinalIgnoreCase));
        // The command line prints its answer on stdout, so its logs go to stderr.
        LogEventLevel? stderrFrom = toStandardError ? LogEventLevel.Verbose : null;
        // preserveStaticLogger: each app instance (several run side by side in tests) keeps its own pipeline.
        builder.Services.AddSerilog(preserveStaticLogger: true, configureLogger: (services, logger) =>
        {
            // Defaults first, so that a Serilog:MinimumLevel section in configuration can override them.
            logger
                .MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Extensions.Http", LogEventLevel.Warning)
                .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
                .MinimumLevel.Override("Polly", LogEventLevel.Warning)
                .ReadFrom.Configuration(builder.Configuration)
                .Enrich.FromLogContext()
                .Enrich.With<SecretRedaction>()
                .ReadFrom.Services(services);
            if (format == ConsoleFormat.Json) logger.WriteTo.Console(new RenderedCompactJsonFormatter(), standardErrorFromLevel: stderrFrom);
            else logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}", formatProvider: System.Globalization.CultureInfo.InvariantCulture, standardErrorFromLevel: stderrFrom);
        });
    }

    public static void UseAppRequestLogging(this WebApplication app) =>
        app.UseSerilogRequestLogging(options =>
        {
            options.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            // RequestPath is the path only: the query string (which may carry ?apiKey=) is never logged.
            options.MessageTemplate = "HTTP {RequestMethod} {RequestPath} ({Route}) responded {StatusCode} in {Elapsed:0.0} ms (tenant {TenantId})";
            options.EnrichDiagnosticContext = (diagnostics, context) =>
            {
                diagnostics.Set("Route", (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "-");
                diagnostics.Set("TenantId", Tenancy.TenantClaims.TenantIdOrNull(context.User) ?? "-");
            };
            options.GetLevel = (context, _, exception) =>
                exception is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error : LogEventLevel.Information;
        });

    /// <summary>Rewrites string properties that carry a secret, whatever logged them.</summary>
    public sealed partial class SecretRedaction : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
        {
            foreach (var (name, value) in logEvent.Properties.ToArray())
            {
                if (value is ScalarValue { Value: string text } && Redact(text) is var redacted && !ReferenceEquals(redacted, text))
                    logEvent.AddOrUpdateProperty(new LogEventProperty(name, new ScalarValue(redacted)));
            }
        }

        public static string Redact(string text)
        {
            if (text.Length < 8) return text;
            var result = QuerySecret().Replace(text, m => m.Groups[1].Value + "=[REDACTED]");
            result = HeaderSecret().Replace(result, m => m.Groups[1].Value + ": [REDACTED]");
            result = ApiKey().Replace(result, "sb_[REDACTED]");
            return result == text ? text : result;
        }

        [GeneratedRegex(@"(?i)\b(api_?key|token|access_token|auth_?token|signature|password|secret)=[^&\s""']+")]
        private static partial Regex QuerySecret();

        [GeneratedRegex(@"(?i)\b(x-api-key|x-operator-key|authorization|x-twilio-signature)\s*[:=]\s*[^\r\n,;""']+")]
        private static partial Regex HeaderSecret();

        [GeneratedRegex(@"\bsb_[A-Za-z0-9_\-]{16,}")]
        private static partial Regex ApiKey();
    }
}

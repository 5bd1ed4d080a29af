using App.Features.Audit;
using App.Features.Communication.Outbox;
using App.Features.Files;
using App.Features.Sending;
using App.Features.Spend;
using App.Features.VoiceMessages;
using App.Features.Auth;
using App.Features.Campaigns;
using App.Features.Legacy;
using App.Features.Operator;
using App.Features.Ops;
using App.Features.Ops.Backups;
using App.Features.Tenants;
using App.Infrastructure.Hosting;
using App.Infrastructure.Observability;
using Carter;
using Prometheus;
using Scalar.AspNetCore;

if (args is ["health-check", var healthUrl]) return await HealthCheckCommand.RunAsync(healthUrl);

var isCommandLine = TenantCli.Handles(args) || BackupCli.Handles(args) || LegacyCli.Handles(args);
// The import's own switches (--files, --dry-run, ...) are not configuration: it is configured by environment variables only.
var builder = WebApplication.CreateBuilder(LegacyCli.Handles(args) ? [] : args);
builder.AddAppLogging(toStandardError: isCommandLine);
if (BackupCli.IsRestore(args)) return await BackupCli.RestoreAsync(args, builder.Configuration, Console.Out, Console.Error);
builder.Services.AddAppServices(builder.Configuration);
// Each feature registers its own services.
builder.Services
    .AddUsersAndAudit(builder.Configuration)
    .AddTenants()
    .AddCommunication(builder.Configuration)
    .AddSending()
    .AddCampaigns(builder.Configuration)
    .AddSpendCaps()
    .AddOperatorConsole()
    .AddFiles()
    .AddVoiceMessages()
    .AddLegacyImport()
    .AddBackups(builder.Configuration);
// Validators come from FluentValidation's own registration (AddAppServices) and answers from the handlers: Carter only
// finds the modules, so it neither scans for validators again nor registers response negotiators.
builder.Services.AddCarter(new DependencyContextAssemblyCatalog(typeof(Program).Assembly),
    carter => carter.WithEmptyValidators().WithEmptyResponseNegotiators());

var app = builder.Build();
try
{
    // A dry run of the legacy import writes nothing, not even start-up migrations or planner statistics.
    if (!LegacyCli.IsDryRun(args)) app.Services.PrepareDatabase();
}
catch (MigrationMismatchException mismatch)
{
    await Console.Error.WriteLineAsync("Switchboard cannot start: " + mismatch.Message);
    return 2;
}

if (LegacyCli.Handles(args))
    return await LegacyCli.RunAsync(args, app.Services, Console.Out, Console.Error);
if (isCommandLine)
{
    return BackupCli.Handles(args)
        ? await BackupCli.BackupAsync(args, app.Services, Console.Out, Console.Error)
        : await TenantCli.RunAsync(args, app.Services, Console.Out, Console.Error);
}

app.Services.HoldDataDirectory();
app.Services.PrepareKeyRing();
await app.Services.SeedDemoTenantAsync(app.Configuration);

app.UseForwardedHeaders();
// Request logging outside the error handling, so that each request is logged with the status its client received.
app.UseAppRequestLogging();
app.UseApiErrorHandling();
app.UseSpaStaticFiles();
app.UseRouting();
app.UseHttpMetrics();
app.UseDataChangeWatch();
app.UseAudit();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

app.MapOpenApi("/openapi/{documentName}.json");
app.MapScalarApiReference("/scalar", options => options.WithTitle("Switchboard API"));
app.MapCarter();
app.MapSpa();

await app.RunAsync();
return 0;

/// <summary>Entry point type, public so the test host (WebApplicationFactory) can start the real app.</summary>
public partial class Program;

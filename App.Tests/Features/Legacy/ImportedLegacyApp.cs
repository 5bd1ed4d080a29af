using System.Text.Json;
using App.Tests.Support;

namespace App.Tests.Features.Legacy;

/// <summary>
/// The shared legacy sample imported once, through the command line, into this app's data directory before the app
/// starts; then the app serves it. Twilio is Live (pointed at a closed port, so nothing leaves the machine) because the
/// compatibility routes must check signatures with the auth token that came from the legacy Web.config.
/// </summary>
public sealed class ImportedLegacyApp : AppFactory, IAsyncLifetime
{
    public const string TenantId = "harbor";
    public const string LegacyAuthToken = "4198314a7b2281c14d677b42346e7aa3";
    public const string LegacyHost = "voice.harbordental.example";

    public ImportedLegacyApp()
    {
        Settings["Twilio:Mode"] = "Live";
        Settings["Twilio:ApiBaseUrl"] = "http://127.0.0.1:9";
        Settings["Auth:BcryptWorkFactor"] = "4";
    }

    public LegacyCommand.Result Import { get; private set; } = null!;
    public JsonElement Report { get; private set; }
    public string ApiKey { get; private set; } = "";

    public HttpClient Api() => ClientWithKey(ApiKey);

    public async Task InitializeAsync()
    {
        Import = await new LegacyCommand(DataDirectory).ImportAsync("--json");
        Import.ExitCode.ShouldBe(0, Import.Stderr);
        Report = Import.Report;
        ApiKey = Report.GetProperty("tenant").GetProperty("api_key").GetString()!;
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    /// <summary>Every item of a paged list endpoint.</summary>
    public async Task<List<JsonElement>> AllAsync(string path)
    {
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var data = await (await Api().GetAsync($"{path}{separator}per_page=100")).ShouldBeSuccessAsync();
        return data.EnumerateArray().ToList();
    }
}

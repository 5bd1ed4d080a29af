using System.Text.Json;
using App.Tests.Support;

namespace App.Tests.Features.Tenants;

/// <summary>The vendor's command line, run as a real process against a real data directory.</summary>
public sealed class TenantCliTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "switchboard-cli-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Tenant_create_prints_exactly_one_JSON_object_with_id_name_and_key()
    {
        var (exitCode, stdout, _) = await RunAsync("tenant", "create", "--name", "Acme Dental", "--id", "acme");

        exitCode.ShouldBe(0);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(1, stdout);
        var created = JsonDocument.Parse(lines[0]).RootElement;
        created.EnumerateObject().Select(p => p.Name).ShouldBe(["id", "name", "api_key"]);
        created.GetProperty("id").GetString().ShouldBe("acme");
        created.GetProperty("name").GetString().ShouldBe("Acme Dental");
        created.GetProperty("api_key").GetString()!.ShouldStartWith("sb_");
    }

    [Fact]
    public async Task Without_an_id_the_id_is_made_from_the_name()
    {
        var (_, stdout, _) = await RunAsync("tenant", "create", "--name", "Harbor Dental Care");

        JsonDocument.Parse(stdout).RootElement.GetProperty("id").GetString().ShouldBe("harbor-dental-care");
    }

    [Fact]
    public async Task List_rotate_and_disable_work_and_list_never_shows_keys()
    {
        var (_, created, _) = await RunAsync("tenant", "create", "--name", "Acme Dental", "--id", "acme");
        var firstKey = JsonDocument.Parse(created).RootElement.GetProperty("api_key").GetString()!;

        var (rotateExit, rotated, _) = await RunAsync("tenant", "rotate-key", "acme");
        rotateExit.ShouldBe(0);
        var newKey = JsonDocument.Parse(rotated).RootElement.GetProperty("api_key").GetString()!;
        newKey.ShouldNotBe(firstKey);

        (await RunAsync("tenant", "disable", "acme")).ExitCode.ShouldBe(0);

        var (listExit, list, _) = await RunAsync("tenant", "list");
        listExit.ShouldBe(0);
        var tenants = JsonDocument.Parse(list).RootElement;
        tenants.GetArrayLength().ShouldBe(1);
        tenants[0].GetProperty("is_active").GetBoolean().ShouldBeFalse();
        list.ShouldNotContain(firstKey);
        list.ShouldNotContain(newKey);

        var (enableExit, enabled, _) = await RunAsync("tenant", "enable", "acme");
        enableExit.ShouldBe(0);
        JsonDocument.Parse(enabled).RootElement.GetProperty("is_active").GetBoolean().ShouldBeTrue();
        (await RunAsync("tenant", "enable", "nobody")).ExitCode.ShouldBe(1);
    }

    [Fact]
    public async Task Errors_go_to_stderr_with_a_non_zero_exit_code()
    {
        await RunAsync("tenant", "create", "--name", "Acme", "--id", "acme");

        var duplicate = await RunAsync("tenant", "create", "--name", "Acme again", "--id", "acme");
        duplicate.ExitCode.ShouldBe(1);
        duplicate.Stdout.ShouldBeEmpty();
        duplicate.Stderr.ShouldContain("already exists");

        var unknown = await RunAsync("tenant", "rotate-key", "nobody");
        unknown.ExitCode.ShouldBe(1);
        unknown.Stdout.ShouldBeEmpty();

        var usage = await RunAsync("tenant", "frobnicate");
        usage.ExitCode.ShouldBe(2);
        usage.Stderr.ShouldContain("usage");
    }

    private Task<AppProcess.Result> RunAsync(params string[] arguments) =>
        AppProcess.RunAsync(_dataDirectory, arguments);

    public void Dispose()
    {
        try { Directory.Delete(_dataDirectory, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}

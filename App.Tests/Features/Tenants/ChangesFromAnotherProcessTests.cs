using System.Text.Json;
using App.Tests.Features.VoiceMessages;
using App.Tests.Support;
using Dapper;
using Microsoft.Data.Sqlite;

namespace App.Tests.Features.Tenants;

/// <summary>
/// The command line run as a second process on the data directory of a running server: its changes bite at the
/// server's very next request, not when a cache entry happens to expire.
/// </summary>
public sealed class ChangesFromAnotherProcessTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Tenant_rotate_key_from_the_command_line_makes_the_server_refuse_the_old_key_at_once()
    {
        var tenant = await factory.CreateTenantAsync(id: "rotated");
        using var oldKey = tenant.Client();
        // Warm every cache that answers for this key.
        await (await oldKey.GetAsync("/api/tenant/profile")).ShouldBeSuccessAsync();
        await (await oldKey.GetAsync("/api/tenant/profile")).ShouldBeSuccessAsync();

        var rotated = await AppProcess.RunAsync(factory.DataDirectory, "tenant", "rotate-key", tenant.Id);

        rotated.ExitCode.ShouldBe(0, rotated.Stderr);
        await (await oldKey.GetAsync("/api/tenant/profile")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
        var newKey = JsonDocument.Parse(rotated.Stdout).RootElement.GetProperty("api_key").GetString()!;
        using var withNewKey = factory.ClientWithKey(newKey);
        (await (await withNewKey.GetAsync("/api/tenant/profile")).ShouldBeSuccessAsync()).GetProperty("id").GetString().ShouldBe(tenant.Id);
    }

    [Fact]
    public async Task Tenant_disable_from_the_command_line_makes_the_server_refuse_the_key_at_once()
    {
        var tenant = await factory.CreateTenantAsync(id: "disabled");
        using var client = tenant.Client();
        await (await client.GetAsync("/api/voice-messages/")).ShouldBeSuccessAsync();

        var disabled = await AppProcess.RunAsync(factory.DataDirectory, "tenant", "disable", tenant.Id);

        disabled.ExitCode.ShouldBe(0, disabled.Stderr);
        await (await client.GetAsync("/api/voice-messages/")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Voice_messages_written_by_another_connection_show_in_the_next_list()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = tenant.Client();
        await client.CreateAsync(VoiceMessageTestData.Body("Before the import"));
        (await NamesAsync(client)).ShouldBe(["Before the import"]);

        // What an import running beside the server does: its own connection to the same file.
        await using (var other = new SqliteConnection($"Data Source={Path.Combine(factory.DataDirectory, "app.db")};Pooling=False"))
        {
            await other.OpenAsync();
            await other.ExecuteAsync("UPDATE voice_messages SET name = 'Renamed by the import' WHERE tenant_id = @Id", new { tenant.Id });
        }

        (await NamesAsync(client)).ShouldBe(["Renamed by the import"]);
    }

    private static async Task<string[]> NamesAsync(HttpClient client)
    {
        var data = await (await client.GetAsync("/api/voice-messages/")).ShouldBeSuccessAsync();
        return data.EnumerateArray().Select(item => item.GetProperty("name").GetString()!).ToArray();
    }
}

using System.Xml.Linq;
using App.Infrastructure.Security;
using App.Tests.Features.Ops;
using App.Tests.Support;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace App.Tests.Infrastructure.Security;

/// <summary>
/// The Data Protection key ring (which encrypts every Twilio token) is itself encrypted with App:MasterKey, a key
/// that is not on the volume: the volume or a backup alone yields no token.
/// </summary>
public sealed class KeyRingAtRestTests : IDisposable
{
    private const string OtherMasterKey = "k3vQ8m2PZs7yB1cD4eF6gH8iJ0kL2mN4oP6qR8sT0uY=";
    private static readonly string Token = "Tok" + new string('7', 25) + "9z8y";
    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "switchboard-keyring", Guid.NewGuid().ToString("N"));

    private string KeysDirectory => Path.Combine(_dataDirectory, "keys");

    private static Dictionary<string, string?> WithMasterKey(string key, string? previous = null) => new()
    {
        ["App:MasterKey"] = key,
        ["App:PreviousMasterKeys"] = previous,
    };

    private async Task<string> SaveTokenAsync(Dictionary<string, string?>? settings = null)
    {
        await using var server = new ServerOn(_dataDirectory, settings);
        var created = await (await server.OperatorClient().PostJsonAsync("/api/system/tenants", new { name = "Vault Dental", id = "vault" })).ShouldBeSuccessAsync(201);
        var apiKey = created.GetProperty("api_key").GetString()!;
        await (await server.TenantClient(apiKey).PutJsonAsync("/api/tenant/profile", new { name = "Vault Dental", twilio_sid = "AC" + new string('b', 32), twilio_token = Token }))
            .ShouldBeSuccessAsync();
        return apiKey;
    }

    private async Task<HttpResponseMessage> ProfileAsync(string apiKey, Dictionary<string, string?> settings)
    {
        await using var server = new ServerOn(_dataDirectory, settings);
        return await server.TenantClient(apiKey).GetAsync("/api/tenant/profile");
    }

    [Fact]
    public async Task The_key_files_on_disk_hold_no_plaintext_key_material()
    {
        await SaveTokenAsync();

        var files = Directory.GetFiles(KeysDirectory, "*.xml");
        files.ShouldNotBeEmpty();
        var keys = MasterKeys.From(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["App:MasterKey"] = ServerOn.MasterKey }).Build(), new ProductionLike());
        foreach (var file in files)
        {
            var text = await File.ReadAllTextAsync(file);
            var document = XDocument.Parse(text);
            document.Descendants().Where(e => e.Name.LocalName == "masterKey").ShouldBeEmpty(file);
            var secret = document.Descendants(DataProtection + "encryptedSecret").Single();
            ((string)secret.Attribute("decryptorType")!).ShouldStartWith(typeof(MasterKeyXmlDecryptor).FullName + ",");

            // What the encrypted element holds is the key itself: its value appears nowhere in the file.
            var decrypted = MasterKeyXmlEncryptor.Decrypt(secret.Elements().Single(), keys);
            decrypted.Name.LocalName.ShouldBe("masterKey");
            var material = decrypted.Descendants().Single(e => e.Name.LocalName == "value").Value;
            material.Length.ShouldBeGreaterThan(40);
            text.ShouldNotContain(material);
        }

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDirectory, "app.db")};Pooling=False");
        (await connection.QuerySingleAsync<string>("SELECT twilio_token_encrypted FROM tenants WHERE id = 'vault'")).ShouldNotContain(Token);
    }

    [Fact]
    public async Task A_host_without_the_master_key_cannot_read_the_tokens()
    {
        var apiKey = await SaveTokenAsync();
        (await (await ProfileAsync(apiKey, WithMasterKey(ServerOn.MasterKey))).ShouldBeSuccessAsync()).GetProperty("twilio_token_mask").GetString().ShouldBe("••••9z8y");
        string cipher;
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDirectory, "app.db")};Pooling=False"))
            cipher = await connection.QuerySingleAsync<string>("SELECT twilio_token_encrypted FROM tenants WHERE id = 'vault'");

        // App with another master key refuses to start rather than serve errors (or start a second key ring).
        StartFailure(WithMasterKey(OtherMasterKey)).ShouldContain("App:MasterKey does not open the key ring");
        Directory.GetFiles(KeysDirectory, "*.xml").Length.ShouldBe(1);

        // Whoever holds the volume or a backup, and reads the ring with Data Protection itself, gets nothing either.
        var volumeOnly = DataProtectionProvider.Create(new DirectoryInfo(KeysDirectory), builder => builder.SetApplicationName("Switchboard"));
        Should.Throw<Exception>(() => volumeOnly.CreateProtector("Switchboard.TenantSecrets.v1").Unprotect(cipher));
    }

    [Fact]
    public async Task Production_refuses_to_start_without_a_master_key()
    {
        var result = await AppProcess.RunAsync(_dataDirectory, new Dictionary<string, string> { ["ASPNETCORE_URLS"] = "http://127.0.0.1:0" });

        result.ExitCode.ShouldNotBe(0);
        (result.Stdout + result.Stderr).ShouldContain("App:MasterKey is not set");
    }

    [Fact]
    public async Task Rotating_the_master_key_re_encrypts_the_ring_so_the_previous_key_can_be_dropped()
    {
        var apiKey = await SaveTokenAsync();

        // One start with the new key and the previous one beside it...
        (await (await ProfileAsync(apiKey, WithMasterKey(OtherMasterKey, previous: ServerOn.MasterKey))).ShouldBeSuccessAsync())
            .GetProperty("twilio_token_mask").GetString().ShouldBe("••••9z8y");

        // ...and the new key alone opens the ring; the old one no longer does.
        (await (await ProfileAsync(apiKey, WithMasterKey(OtherMasterKey))).ShouldBeSuccessAsync()).GetProperty("twilio_token_mask").GetString().ShouldBe("••••9z8y");
        StartFailure(WithMasterKey(ServerOn.MasterKey)).ShouldContain("App:MasterKey does not open the key ring");
    }

    [Fact]
    public async Task A_key_ring_written_in_the_clear_before_the_master_key_existed_is_encrypted_at_start_and_still_works()
    {
        Directory.CreateDirectory(KeysDirectory);
        var clear = DataProtectionProvider.Create(new DirectoryInfo(KeysDirectory), builder => builder.SetApplicationName("Switchboard"));
        var cipher = clear.CreateProtector("Switchboard.TenantSecrets.v1").Protect(Token);
        PlaintextKeys(Directory.GetFiles(KeysDirectory, "*.xml").Single()).ShouldBe(1);

        await using var server = new ServerOn(_dataDirectory);

        server.Service<SecretProtector>().Unprotect(cipher).ShouldBe(Token);
        var file = Directory.GetFiles(KeysDirectory, "*.xml").Single();
        PlaintextKeys(file).ShouldBe(0);
        XDocument.Load(file).Descendants(DataProtection + "encryptedSecret").Count().ShouldBe(1);
    }

    private static int PlaintextKeys(string file) => XDocument.Load(file).Descendants().Count(e => e.Name.LocalName == "masterKey");

    private string StartFailure(Dictionary<string, string?> settings)
    {
        using var server = new ServerOn(_dataDirectory, settings);
        return Should.Throw<Exception>(() => server.CreateClient()).ToString();
    }

    private sealed class ProductionLike : Microsoft.Extensions.Hosting.IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";
        public string ApplicationName { get; set; } = "App";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dataDirectory, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}

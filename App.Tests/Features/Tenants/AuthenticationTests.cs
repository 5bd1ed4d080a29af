using App.Features.Tenants;
using App.Tests.Support;

namespace App.Tests.Features.Tenants;

public sealed class AuthenticationTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task The_key_in_the_X_API_Key_header_authenticates_the_tenant()
    {
        var tenant = await factory.CreateTenantAsync("Header Dental");

        var data = await (await tenant.Client().GetAsync("/api/tenant/profile")).ShouldBeSuccessAsync();

        data.GetProperty("id").GetString().ShouldBe(tenant.Id);
        data.GetProperty("name").GetString().ShouldBe("Header Dental");
    }

    [Fact]
    public async Task The_key_in_the_apiKey_query_parameter_authenticates_the_tenant()
    {
        var tenant = await factory.CreateTenantAsync("Query Dental");

        var data = await (await factory.CreateClient().GetAsync($"/api/tenant/profile?apiKey={Uri.EscapeDataString(tenant.ApiKey)}")).ShouldBeSuccessAsync();

        data.GetProperty("id").GetString().ShouldBe(tenant.Id);
    }

    [Fact]
    public async Task A_request_without_a_key_is_refused_with_401_UNAUTHORIZED()
    {
        var response = await factory.CreateClient().GetAsync("/api/tenant/profile");

        var error = await response.ShouldBeErrorAsync(401, "UNAUTHORIZED");
        error.GetProperty("message").GetString()!.ShouldContain("X-API-Key");
    }

    [Fact]
    public async Task A_wrong_key_is_refused_with_401()
    {
        await factory.CreateTenantAsync();

        var response = await factory.ClientWithKey("sb_thisIsNotAKeyThatExistsAnywhere000000000").GetAsync("/api/tenant/profile");

        await response.ShouldBeErrorAsync(401, "UNAUTHORIZED");
    }

    [Fact]
    public async Task The_key_of_a_disabled_tenant_is_refused_with_401()
    {
        var tenant = await factory.CreateTenantAsync();
        (await tenant.Client().GetAsync("/api/tenant/profile")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);

        await factory.Service<TenantProvisioning>().DisableAsync(tenant.Id);

        await (await tenant.Client().GetAsync("/api/tenant/profile")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
    }

    [Fact]
    public async Task After_rotation_the_old_key_is_refused_and_the_new_one_works()
    {
        var tenant = await factory.CreateTenantAsync();
        (await tenant.Client().GetAsync("/api/tenant/profile")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);

        var rotated = await factory.Service<TenantProvisioning>().RotateKeyAsync(tenant.Id);

        await (await tenant.Client().GetAsync("/api/tenant/profile")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
        var data = await (await factory.ClientWithKey(rotated!.ApiKey).GetAsync("/api/tenant/profile")).ShouldBeSuccessAsync();
        data.GetProperty("id").GetString().ShouldBe(tenant.Id);
    }

    [Fact]
    public async Task Keys_are_stored_only_as_a_hash_and_a_display_prefix()
    {
        var tenant = await factory.CreateTenantAsync();

        await using var connection = await factory.Db.OpenAsync();
        var row = await Dapper.SqlMapper.QuerySingleAsync<(string Hash, string Prefix)>(connection,
            "SELECT api_key_hash, api_key_prefix FROM tenants WHERE id = @id", new { id = tenant.Id });
        row.Hash.Length.ShouldBe(64);
        // What is on disk (the database file and its WAL) holds the display prefix but never the key itself.
        var onDisk = DatabaseFilesBytes();
        ContainsBytes(onDisk, row.Prefix).ShouldBeTrue("the files read are the ones the tenant row was written to");
        ContainsBytes(onDisk, tenant.ApiKey).ShouldBeFalse();
        ContainsBytes(onDisk, tenant.ApiKey[row.Prefix.Length..]).ShouldBeFalse();
        tenant.ApiKey.ShouldStartWith(row.Prefix);
        row.Prefix.Length.ShouldBeLessThan(tenant.ApiKey.Length / 3);
        tenant.ApiKey.ShouldStartWith("sb_");
        tenant.ApiKey.Length.ShouldBeGreaterThanOrEqualTo(3 + 43); // 256 random bits, base64url
    }

    private byte[] DatabaseFilesBytes()
    {
        var bytes = new List<byte>();
        foreach (var file in Directory.EnumerateFiles(factory.DataDirectory, "*.db*", SearchOption.AllDirectories))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            bytes.AddRange(copy.ToArray());
        }

        bytes.Count.ShouldBeGreaterThan(0, "the test database is a file in the data directory");
        return bytes.ToArray();
    }

    private static bool ContainsBytes(byte[] haystack, string text) =>
        haystack.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(text)) >= 0;
}

using App.Tests.Support;
using Dapper;

namespace App.Tests.Features.Tenants;

public sealed class ProfileTests(AppFactory factory) : IClassFixture<AppFactory>
{
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private const string Token = "abcdefghijklmnopqrstuvwxyz012345";
    private const string ApiKeySid = "SK0123456789abcdef0123456789abcdef";
    private const string ApiSecret = "api-secret-that-is-never-shown-9f3";

    [Fact]
    public async Task The_profile_shows_the_tenant_and_its_settings_without_any_secret()
    {
        var tenant = await factory.CreateTenantAsync("Harbor Dental");

        var profile = await (await tenant.Client().GetAsync("/api/tenant/profile")).ShouldBeSuccessAsync();

        profile.GetProperty("id").GetString().ShouldBe(tenant.Id);
        profile.GetProperty("name").GetString().ShouldBe("Harbor Dental");
        tenant.ApiKey.ShouldStartWith(profile.GetProperty("api_key_prefix").GetString()!);
        profile.GetProperty("is_active").GetBoolean().ShouldBeTrue();
        profile.GetProperty("twilio_token_mask").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        profile.GetProperty("settings").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Object);
        profile.ToString().ShouldNotContain(tenant.ApiKey);
    }

    [Fact]
    public async Task The_twilio_token_and_api_secret_are_write_only_the_profile_shows_only_a_mask()
    {
        var tenant = await factory.CreateTenantAsync();

        var response = await tenant.Client().PutJsonAsync("/api/tenant/profile", new
        {
            name = "Harbor Dental", twilio_sid = AccountSid, twilio_token = Token, twilio_api_key_sid = ApiKeySid,
            twilio_api_secret = ApiSecret, from_number = "+14155550100",
        });

        var updated = await response.ShouldBeSuccessAsync();
        var read = await (await tenant.Client().GetAsync("/api/tenant/profile")).ShouldBeSuccessAsync();
        foreach (var profile in new[] { updated, read })
        {
            profile.GetProperty("twilio_sid").GetString().ShouldBe(AccountSid);
            profile.GetProperty("twilio_token_mask").GetString().ShouldBe("••••" + Token[^4..]);
            profile.GetProperty("twilio_api_key_sid").GetString().ShouldBe(ApiKeySid);
            profile.GetProperty("from_number").GetString().ShouldBe("+14155550100");
            profile.ToString().ShouldNotContain(Token);
            profile.ToString().ShouldNotContain(ApiSecret);
            profile.EnumerateObject().Select(p => p.Name).ShouldNotContain("twilio_api_secret");
        }

        var stored = await StoredSecretsAsync(tenant.Id);
        stored.Token.ShouldNotBeNullOrEmpty();
        stored.Token.ShouldNotContain(Token);
        stored.Secret.ShouldNotBeNullOrEmpty();
        stored.Secret.ShouldNotContain(ApiSecret);
    }

    [Fact]
    public async Task Omitting_a_secret_keeps_it_and_an_empty_string_clears_it_as_it_clears_any_field()
    {
        var tenant = await factory.CreateTenantAsync();
        await (await tenant.Client().PutJsonAsync("/api/tenant/profile", new
        {
            name = "Harbor Dental", twilio_sid = AccountSid, twilio_token = Token, twilio_api_key_sid = ApiKeySid,
            twilio_api_secret = ApiSecret, from_number = "+14155550100",
        })).ShouldBeSuccessAsync();

        var kept = await (await tenant.Client().PutJsonAsync("/api/tenant/profile", new { name = "Harbor Dental & Co", twilio_sid = AccountSid }))
            .ShouldBeSuccessAsync();
        kept.GetProperty("name").GetString().ShouldBe("Harbor Dental & Co");
        kept.GetProperty("twilio_token_mask").GetString().ShouldBe("••••" + Token[^4..]);
        (await StoredSecretsAsync(tenant.Id)).Secret.ShouldNotBeNullOrEmpty();

        var cleared = await (await tenant.Client().PutJsonAsync("/api/tenant/profile", new
        {
            name = "Harbor Dental & Co", twilio_sid = "", twilio_token = "", twilio_api_key_sid = "", twilio_api_secret = "", from_number = "",
        })).ShouldBeSuccessAsync();

        foreach (var field in new[] { "twilio_sid", "twilio_token_mask", "twilio_api_key_sid", "from_number" })
            cleared.GetProperty(field).ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null, field);
        var stored = await StoredSecretsAsync(tenant.Id);
        stored.Token.ShouldBeNull();
        stored.Secret.ShouldBeNull();
    }

    [Fact]
    public async Task Bad_values_are_refused_per_field_and_nothing_is_changed()
    {
        var tenant = await factory.CreateTenantAsync("Harbor Dental");

        var error = await (await tenant.Client().PutJsonAsync("/api/tenant/profile", new
        {
            name = "Renamed", twilio_sid = "AC123", twilio_token = "short", from_number = "12",
            settings = new { default_region = "Narnia", time_zone = "Mars/Base" },
        })).ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        var details = error.GetProperty("details");
        foreach (var field in new[] { "twilio_sid", "twilio_token", "from_number", "settings.default_region", "settings.time_zone" })
            details.TryGetProperty(field, out _).ShouldBeTrue(field);
        var profile = await (await tenant.Client().GetAsync("/api/tenant/profile")).ShouldBeSuccessAsync();
        profile.GetProperty("name").GetString().ShouldBe("Harbor Dental");
    }

    [Fact]
    public async Task A_tenant_changes_only_its_own_profile()
    {
        var tenant = await factory.CreateTenantAsync("Harbor Dental");
        var other = await factory.CreateTenantAsync("Other Dental");

        await (await tenant.Client().PutJsonAsync("/api/tenant/profile", new { name = "Harbor Dental", twilio_sid = AccountSid, twilio_token = Token }))
            .ShouldBeSuccessAsync();

        var theirs = await (await other.Client().GetAsync("/api/tenant/profile")).ShouldBeSuccessAsync();
        theirs.GetProperty("name").GetString().ShouldBe("Other Dental");
        theirs.GetProperty("twilio_sid").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        theirs.GetProperty("twilio_token_mask").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
    }

    private async Task<(string? Token, string? Secret)> StoredSecretsAsync(string tenantId)
    {
        await using var connection = await factory.Db.OpenAsync();
        return await connection.QuerySingleAsync<(string? Token, string? Secret)>(
            "SELECT twilio_token_encrypted, twilio_api_secret_encrypted FROM tenants WHERE id = @tenantId", new { tenantId });
    }
}

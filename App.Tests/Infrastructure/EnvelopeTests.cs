using System.Net.Http.Headers;
using System.Text;
using App.Tests.Support;
using Dapper;

namespace App.Tests.Infrastructure;

/// <summary>Every class of failure under /api answers in the error envelope (see docs/decisions.md, "API contract").</summary>
public sealed class EnvelopeTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Success_answers_carry_success_data_message_and_a_UTC_timestamp()
    {
        var tenant = await factory.CreateTenantAsync();

        var body = await (await tenant.Client().GetAsync("/api/tenant/profile")).JsonAsync();

        body.GetProperty("success").GetBoolean().ShouldBeTrue();
        body.GetProperty("message").GetString().ShouldNotBeNullOrEmpty();
        body.GetProperty("timestamp").GetString()!.ShouldMatch(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$");
        body.GetProperty("data").GetProperty("created_at").GetString()!.ShouldMatch(@"Z$");
        body.GetProperty("data").TryGetProperty("api_key_prefix", out _).ShouldBeTrue("snake_case names");
    }

    [Fact]
    public async Task Malformed_JSON_is_400_INVALID_JSON()
    {
        var tenant = await factory.CreateTenantAsync();

        var response = await tenant.Client().PutAsync("/api/tenant/profile",
            new StringContent("{\"name\": \"x\",", Encoding.UTF8, "application/json"));

        await response.ShouldBeErrorAsync(400, "INVALID_JSON");
    }

    [Fact]
    public async Task A_wrong_content_type_is_415_UNSUPPORTED_MEDIA_TYPE()
    {
        var tenant = await factory.CreateTenantAsync();

        var response = await tenant.Client().PutAsync("/api/tenant/profile", new StringContent("name=x", Encoding.UTF8, "text/plain"));

        await response.ShouldBeErrorAsync(415, "UNSUPPORTED_MEDIA_TYPE");
    }

    [Fact]
    public async Task A_query_value_of_the_wrong_type_is_400_VALIDATION_ERROR_naming_the_parameter()
    {
        var tenant = await factory.CreateTenantAsync();

        var error = await (await tenant.Client().GetAsync("/api/tenant/usage?from=yesterday")).ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        error.GetProperty("message").GetString()!.ShouldContain("from");
        error.GetProperty("details").GetProperty("from")[0].GetString()!.ShouldContain("date");
    }

    [Fact]
    public async Task An_unknown_api_route_is_404_in_the_envelope_not_the_SPA()
    {
        var response = await factory.CreateClient().GetAsync("/api/does-not-exist");

        await response.ShouldBeErrorAsync(404, "NOT_FOUND");
    }

    [Fact]
    public async Task A_wrong_method_is_405_METHOD_NOT_ALLOWED()
    {
        var tenant = await factory.CreateTenantAsync();

        var response = await tenant.Client().DeleteAsync("/api/tenant/profile");

        await response.ShouldBeErrorAsync(405, "METHOD_NOT_ALLOWED");
    }

    [Fact]
    public async Task Validation_failures_are_400_with_one_details_entry_per_field()
    {
        var tenant = await factory.CreateTenantAsync();

        var response = await tenant.Client().PutJsonAsync("/api/tenant/profile", new
        {
            name = "",
            twilio_sid = "not-a-sid",
            from_number = "12",
            settings = new { allowed_embed_origins = new[] { "https://ok.example.com", "not an origin" }, default_region = "ZZ", time_zone = "Mars/Olympus" },
        });

        var error = await response.ShouldBeErrorAsync(400, "VALIDATION_ERROR");
        var details = error.GetProperty("details");
        details.EnumerateObject().Select(p => p.Name).ShouldBe(
            ["name", "twilio_sid", "from_number", "settings.allowed_embed_origins[1]", "settings.default_region", "settings.time_zone"],
            ignoreOrder: true);
        details.GetProperty("twilio_sid")[0].GetString()!.ShouldContain("AC");
    }

    [Fact]
    public async Task Nothing_is_changed_by_a_rejected_update()
    {
        var tenant = await factory.CreateTenantAsync("Keep Me");

        await tenant.Client().PutJsonAsync("/api/tenant/profile", new { name = "", from_number = "12" });

        var profile = await (await tenant.Client().GetAsync("/api/tenant/profile")).ShouldBeSuccessAsync();
        profile.GetProperty("name").GetString().ShouldBe("Keep Me");
    }
}

/// <summary>Separate class: it breaks the database on purpose.</summary>
public sealed class UnhandledExceptionTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task An_unhandled_exception_is_500_INTERNAL_ERROR_with_a_correlation_id_and_an_error_log_row()
    {
        var tenant = await factory.CreateTenantAsync();
        await using (var connection = await factory.Db.OpenAsync())
            await connection.ExecuteAsync("ALTER TABLE communication_log RENAME TO communication_log_gone");

        var client = tenant.Client();
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("DelphiClient", "7.1"));
        var response = await client.GetAsync("/api/tenant/usage");

        var error = await response.ShouldBeErrorAsync(500, "INTERNAL_ERROR");
        var correlationId = error.GetProperty("details").GetProperty("correlation_id").GetString()!;
        correlationId.ShouldNotBeNullOrEmpty();
        var text = error.ToString();
        text.ShouldNotContain("communication_log", customMessage: "no internals in the body");
        text.ShouldNotContain("   at ");

        await using var check = await factory.Db.OpenAsync();
        var row = await check.QuerySingleAsync<(string? TenantId, string ErrorType, string ErrorMessage, string ErrorDetails, string UserAgent, string Endpoint)>(
            "SELECT tenant_id, error_type, error_message, error_details, user_agent, endpoint FROM error_log WHERE correlation_id = @correlationId",
            new { correlationId });
        row.TenantId.ShouldBe(tenant.Id);
        row.ErrorType.ShouldBe("api");
        row.ErrorMessage.ShouldContain("communication_log");
        row.ErrorDetails.ShouldContain("/api/tenant/usage");
        row.ErrorDetails.ShouldContain("stack_trace");
        row.UserAgent.ShouldContain("DelphiClient");
    }
}

using System.Net;
using App.Tests.Features.Tenants;
using App.Tests.Support;
using Dapper;

namespace App.Tests.Infrastructure;

public sealed class OpsTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Health_is_200_with_the_database_check()
    {
        var response = await factory.CreateClient().GetAsync("/health");

        var body = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        body.GetProperty("status").GetString().ShouldBe("healthy");
        body.GetProperty("checks").GetProperty("database").GetString()!.ShouldStartWith("ok");
    }

    [Fact]
    public async Task Metrics_are_Prometheus_text_with_counts_and_latency_by_route_and_status()
    {
        var tenant = await factory.CreateTenantAsync();
        await tenant.Client().GetAsync("/api/tenant/profile");
        await factory.CreateClient().GetAsync("/api/tenant/profile");

        var response = await factory.CreateClient().GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        text.ShouldContain("# TYPE http_request_duration_seconds histogram");
        text.ShouldMatch("""http_requests_received_total\{[^}]*code="200"[^}]*endpoint="/api/tenant/profile"[^}]*\} \d+""");
        text.ShouldMatch("""http_requests_received_total\{[^}]*code="401"[^}]*\} \d+""");
        text.ShouldContain("http_request_duration_seconds_bucket{");
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_the_endpoints_and_Scalar_serves_it()
    {
        var document = await (await factory.CreateClient().GetAsync("/openapi/v1.json")).JsonAsync();

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        paths.ShouldContain("/api/tenant/profile");
        paths.ShouldContain("/api/tenant/usage");
        paths.ShouldContain("/health");
        document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("ApiKey", out _).ShouldBeTrue();
        var put = document.GetProperty("paths").GetProperty("/api/tenant/profile").GetProperty("put");
        put.GetProperty("requestBody").ToString().ShouldContain("application/json");

        // Every /api operation describes its success shape and the error envelope.
        foreach (var path in document.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/api/", StringComparison.Ordinal)))
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var responses = operation.Value.GetProperty("responses");
                responses.EnumerateObject().Any(r => r.Name.StartsWith('2') && r.Value.TryGetProperty("content", out _))
                    .ShouldBeTrue($"{operation.Name.ToUpperInvariant()} {path.Name} has no success schema");
                responses.TryGetProperty("401", out _).ShouldBeTrue($"{operation.Name.ToUpperInvariant()} {path.Name} has no error envelope");
            }
        }

        var schemas = document.GetProperty("components").GetProperty("schemas").ToString();
        schemas.ShouldContain("\"segments\"");
        schemas.ShouldContain("\"voice_text\"");
        schemas.ShouldContain("\"pagination\"");
        // Same-named nested types (each use case's Item/Response) keep their own schema.
        var names = document.GetProperty("components").GetProperty("schemas").EnumerateObject().Select(p => p.Name).ToList();
        names.ShouldContain("GetVoiceMessageItem");
        names.ShouldContain("GetUserItem");
        names.ShouldNotContain("Item");

        var scalar = await factory.CreateClient().GetAsync("/scalar");
        scalar.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await scalar.Content.ReadAsStringAsync()).ShouldContain("openapi/v1.json");
    }

    [Fact]
    public async Task The_OpenAPI_document_names_the_refusals_each_send_endpoint_really_gives()
    {
        var document = await (await factory.CreateClient().GetAsync("/openapi/v1.json")).JsonAsync();

        foreach (var path in new[] { "/api/communication/sms/send", "/api/communication/voice/send" })
        {
            var responses = document.GetProperty("paths").GetProperty(path).GetProperty("post").GetProperty("responses");
            var conflict = responses.GetProperty("409").GetProperty("description").GetString()!;
            conflict.ShouldContain("OPTED_OUT");
            conflict.ShouldContain("IDEMPOTENCY_KEY_REUSED");
            conflict.ShouldContain("SPEND_CAP_REACHED");
            responses.GetProperty("422").GetProperty("description").GetString()!.ShouldContain("TWILIO_NOT_CONFIGURED");
            responses.GetProperty("503").GetProperty("description").GetString()!.ShouldContain("SHUTTING_DOWN");
            responses.GetProperty("400").GetProperty("description").GetString()!.ShouldContain("VALIDATION_ERROR");
        }
    }

    [Fact]
    public async Task The_OpenAPI_document_names_each_endpoints_own_refusals_and_no_others()
    {
        var document = await (await factory.CreateClient().GetAsync("/openapi/v1.json")).JsonAsync();
        var paths = document.GetProperty("paths");
        string Described(string path, string method, string status) =>
            paths.GetProperty(path).GetProperty(method).GetProperty("responses").GetProperty(status).GetProperty("description").GetString()!;
        IEnumerable<string> Statuses(string path, string method) =>
            paths.GetProperty(path).GetProperty(method).GetProperty("responses").EnumerateObject().Select(r => r.Name);

        Described("/api/files/{id}", "get", "404").ShouldContain("NOT_FOUND");
        Described("/api/files/upload", "post", "409").ShouldContain("QUOTA_EXCEEDED");
        Described("/api/files/upload", "post", "413").ShouldContain("PAYLOAD_TOO_LARGE");
        Described("/api/files/upload", "post", "415").ShouldContain("UNSUPPORTED_MEDIA_TYPE");
        Described("/api/users", "post", "409").ShouldContain("CONFLICT");
        Described("/api/users", "post", "403").ShouldContain("manage_users");
        Described("/api/users", "post", "400").ShouldContain("VALIDATION_ERROR");
        Described("/api/users", "post", "415").ShouldContain("UNSUPPORTED_MEDIA_TYPE");
        Described("/api/voice-messages/{id}", "put", "404").ShouldContain("NOT_FOUND");
        Described("/api/voice-messages/{id}", "put", "409").ShouldContain("CONFLICT");
        Described("/api/communication/history", "get", "400").ShouldContain("VALIDATION_ERROR");
        Described("/api/communication/status/{sid}", "get", "404").ShouldContain("NOT_FOUND");
        Described("/api/tenant/embed-token", "post", "403").ShouldContain("API key");
        Described("/api/auth/login", "post", "401").ShouldContain("password");
        Described("/webhooks/twilio/{tenantId}/sms", "post", "403").ShouldContain("X-Twilio-Signature");

        // Nothing is declared that the endpoint never gives: reading the profile has no id to miss and nothing to conflict with.
        Statuses("/api/tenant/profile", "get").ShouldBe(["200", "401", "429", "500"], ignoreOrder: true);
        Statuses("/api/files/quota", "get").ShouldNotContain("404");

        // Every error an /api operation declares is the envelope, and says which codes it carries.
        foreach (var path in paths.EnumerateObject().Where(p => p.Name.StartsWith("/api/", StringComparison.Ordinal)))
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                foreach (var response in operation.Value.GetProperty("responses").EnumerateObject().Where(r => r.Name[0] is '4' or '5'))
                {
                    var where = $"{operation.Name.ToUpperInvariant()} {path.Name} {response.Name}";
                    response.Value.GetProperty("description").GetString()!.ShouldMatch("^[A-Z_]+: ", where);
                    response.Value.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!
                        .ShouldEndWith("/ErrorEnvelope", customMessage: where);
                }
            }
        }
    }

    [Fact]
    public async Task Paths_outside_the_admin_UI_are_never_answered_with_the_SPA_page()
    {
        var client = factory.CreateClient();
        (await client.GetAsync("/webhooks/nothing-here")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync("/api/nothing-here")).Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        (await client.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}

public sealed class OperatorMetricsTests(OperatorAppFactory factory) : IClassFixture<OperatorAppFactory>
{
    [Fact]
    public async Task With_an_operator_key_configured_metrics_need_it()
    {
        (await factory.CreateClient().GetAsync("/metrics")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var response = await factory.OperatorClient().GetAsync("/metrics");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldContain("http_request");
    }
}

public sealed class BrokenDatabaseHealthTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Health_is_503_when_the_database_is_unusable()
    {
        (await factory.CreateClient().GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await using (var connection = await factory.Db.OpenAsync())
            await connection.ExecuteAsync("ALTER TABLE schema_migrations RENAME TO schema_migrations_gone");

        var response = await factory.CreateClient().GetAsync("/health");

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await response.JsonAsync()).GetProperty("status").GetString().ShouldBe("unhealthy");
    }
}

public sealed class MigrationTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Migrations_apply_once_and_data_survives_restarts()
    {
        string tenantId;
        long migrationCount;
        using (var first = new FixedDirectoryFactory(_dataDirectory))
        {
            tenantId = (await first.CreateTenantAsync("Survivor")).Id;
            await using var connection = await first.Db.OpenAsync();
            migrationCount = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations");
            (await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode")).ShouldBe("wal");
            (await connection.ExecuteScalarAsync<long>("PRAGMA foreign_keys")).ShouldBe(1);
        }

        for (var restart = 0; restart < 2; restart++)
        {
            using var again = new FixedDirectoryFactory(_dataDirectory);
            await using var connection = await again.Db.OpenAsync();
            (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations")).ShouldBe(migrationCount);
            (await connection.ExecuteScalarAsync<string>("SELECT name FROM tenants WHERE id = @tenantId", new { tenantId })).ShouldBe("Survivor");
        }

        migrationCount.ShouldBe(App.Infrastructure.Database.Migrator.Embedded().Count);
    }

    private sealed class FixedDirectoryFactory : AppFactory
    {
        public FixedDirectoryFactory(string directory) => Settings["App:DataDirectory"] = directory;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dataDirectory, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}

public sealed class RateLimitAppFactory : AppFactory
{
    public RateLimitAppFactory()
    {
        Settings["RateLimits:TenantPermitsPerSecond"] = "1";
        Settings["RateLimits:TenantBurst"] = "3";
    }
}

public sealed class RateLimitTests(RateLimitAppFactory factory) : IClassFixture<RateLimitAppFactory>
{
    [Fact]
    public async Task A_tenant_over_its_limit_gets_429_RATE_LIMITED_with_Retry_After_and_others_are_unaffected()
    {
        var busy = await factory.CreateTenantAsync("Busy");
        var quiet = await factory.CreateTenantAsync("Quiet");
        var client = busy.Client();

        HttpResponseMessage? limited = null;
        for (var i = 0; i < 10 && limited is null; i++)
        {
            var response = await client.GetAsync("/api/tenant/profile");
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited = response;
        }

        limited.ShouldNotBeNull();
        await limited.ShouldBeErrorAsync(429, "RATE_LIMITED");
        limited.Headers.RetryAfter.ShouldNotBeNull();
        (await quiet.Client().GetAsync("/api/tenant/profile")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}

using App.Tests.Features.Users;
using App.Tests.Support;
using Dapper;

namespace App.Tests.Features.Audit;

/// <summary>Requests that end in an exception (turned into the envelope by the error middleware) are audited with the status the client saw.</summary>
public sealed class AuditOfFailuresTests(AuthAppFactory factory) : IClassFixture<AuthAppFactory>
{
    [Fact]
    public async Task Malformed_JSON_and_an_unsupported_content_type_are_recorded_with_the_status_the_client_saw()
    {
        var tenant = await factory.CreateTenantAsync();

        var badJson = await tenant.Client().PostAsync("/api/voice-messages", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        var plainText = await tenant.Client().PostAsync("/api/communication/sms/send", new StringContent("to=1", System.Text.Encoding.UTF8, "text/plain"));

        var rows = await factory.AuditRowsAsync(tenant.Id);
        rows.Single(r => r.Action == "voice_messages.create").StatusCode.ShouldBe((int)badJson.StatusCode);
        ((int)badJson.StatusCode).ShouldBe(400);
        // The route's declared content types reject it before it is matched: recorded as unmatched, with its path.
        rows.Single(r => r.Action == "unmatched").ShouldSatisfyAllConditions(
            r => r.StatusCode.ShouldBe(415), r => r.Route.ShouldBe("/api/communication/sms/send"));
        ((int)plainText.StatusCode).ShouldBe(415);
        rows.ShouldAllBe(r => r.Outcome == "failure");
    }
}

/// <summary>Separate class: it breaks the database on purpose.</summary>
public sealed class AuditOfCrashesTests(AuthAppFactory factory) : IClassFixture<AuthAppFactory>
{
    [Fact]
    public async Task An_unhandled_exception_is_recorded_as_a_500_failure()
    {
        var tenant = await factory.CreateTenantAsync();
        await using (var connection = await factory.Db.OpenAsync())
            await connection.ExecuteAsync("ALTER TABLE voice_messages RENAME TO voice_messages_gone");

        var response = await tenant.Client().PostJsonAsync("/api/voice-messages", new { name = "Crash", voice_text = "Boom." });

        await response.ShouldBeErrorAsync(500, "INTERNAL_ERROR");
        var row = (await factory.AuditRowsAsync(tenant.Id)).Single(r => r.Action == "voice_messages.create");
        row.StatusCode.ShouldBe(500);
        row.Outcome.ShouldBe("failure");
        row.ActorType.ShouldBe("api_key");
    }
}

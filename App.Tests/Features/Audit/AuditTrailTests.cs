using System.Text.Json;
using App.Tests.Features.Users;
using App.Tests.Support;

namespace App.Tests.Features.Audit;

public sealed class AuditTrailTests(AuthAppFactory factory) : IClassFixture<AuthAppFactory>
{
    [Fact]
    public async Task A_voice_message_update_records_who_from_where_what_and_which_fields_changed()
    {
        var tenant = await factory.CreateTenantAsync();
        var client = tenant.Client();
        client.DefaultRequestHeaders.Add("X-Client-Id", "Reception PC 3");
        client.DefaultRequestHeaders.UserAgent.ParseAdd("DelphiClient/1.0");
        var id = (await (await client.PostJsonAsync("/api/voice-messages", new { name = "Reminder", voice_text = "Hello there." }))
            .ShouldBeSuccessAsync(201)).GetProperty("id").GetInt64();

        await (await client.PutJsonAsync($"/api/voice-messages/{id}", new { name = "Reminder v2", voice_text = "Hello there." })).ShouldBeSuccessAsync();

        var rows = await factory.AuditRowsAsync(tenant.Id);
        var created = rows.Single(r => r.Action == "voice_messages.create");
        created.EntityType.ShouldBe("voice_message");
        created.EntityId.ShouldBe(id.ToString());
        created.StatusCode.ShouldBe(201);
        var update = rows.Single(r => r.Action == "voice_messages.update");
        update.ActorType.ShouldBe("api_key");
        tenant.ApiKey.ShouldStartWith(update.Actor!.TrimEnd('…'));
        update.ClientId.ShouldBe("Reception PC 3");
        update.Method.ShouldBe("PUT");
        update.Route.ShouldBe("/api/voice-messages/{id}");
        update.EntityId.ShouldBe(id.ToString());
        update.Outcome.ShouldBe("success");
        var changes = JsonDocument.Parse(update.Changes!).RootElement;
        changes.GetProperty("name").GetProperty("from").GetString().ShouldBe("Reminder");
        changes.GetProperty("name").GetProperty("to").GetString().ShouldBe("Reminder v2");
        changes.EnumerateObject().Select(p => p.Name).ShouldBe(["name"]);
    }

    [Fact]
    public async Task A_profile_update_records_the_changed_fields_but_never_the_token()
    {
        var tenant = await factory.CreateTenantAsync();
        const string token = "Zt9xQ2mK7pL4vB8nR3wY6cH1jF5dS0aE";

        await (await tenant.Client().PutJsonAsync("/api/tenant/profile", new
        {
            name = "New Name", twilio_sid = "AC0123456789abcdef0123456789abcdef", twilio_token = token,
            settings = new { time_zone = "Europe/London" },
        })).ShouldBeSuccessAsync();

        var row = (await factory.AuditRowsAsync(tenant.Id)).Single(r => r.Action == "tenant.profile.update");
        row.EntityType.ShouldBe("tenant");
        row.EntityId.ShouldBe(tenant.Id);
        row.Changes!.ShouldNotContain(token);
        var changes = JsonDocument.Parse(row.Changes!).RootElement;
        changes.GetProperty("name").GetProperty("to").GetString().ShouldBe("New Name");
        changes.GetProperty("settings.time_zone").GetProperty("to").GetString().ShouldBe("Europe/London");
        changes.GetProperty("twilio_token").GetProperty("to").GetString().ShouldBe("(changed)");
        changes.GetProperty("twilio_token").GetProperty("from").GetString().ShouldBe("(secret)");

        var listed = await (await tenant.Client().GetAsync("/api/audit?action=tenant.profile.update")).ShouldBeSuccessAsync();
        listed[0].GetProperty("changes").GetProperty("twilio_token").GetProperty("to").GetString().ShouldBe("(changed)");
        listed.ToString().ShouldNotContain(token);
    }

    [Fact]
    public async Task A_refused_request_is_recorded_as_a_failure()
    {
        var tenant = await factory.CreateTenantAsync();

        await (await tenant.Client().PostJsonAsync("/api/voice-messages", new { name = "" })).ShouldBeErrorAsync(400, "VALIDATION_ERROR");
        await (await tenant.Client().DeleteAsync("/api/voice-messages/987654")).ShouldBeErrorAsync(404, "NOT_FOUND");

        var rows = await factory.AuditRowsAsync(tenant.Id);
        rows.Single(r => r.Action == "voice_messages.create").ShouldSatisfyAllConditions(
            r => r.Outcome.ShouldBe("failure"), r => r.StatusCode.ShouldBe(400), r => r.Changes.ShouldBeNull());
        rows.Single(r => r.Action == "voice_messages.delete").ShouldSatisfyAllConditions(
            r => r.Outcome.ShouldBe("failure"), r => r.StatusCode.ShouldBe(404), r => r.EntityId.ShouldBe("987654"));
    }

    [Fact]
    public async Task An_SMS_send_records_the_resulting_log_id()
    {
        var tenant = await factory.CreateTenantAsync();

        var id = (await (await tenant.Client().PostJsonAsync("/api/communication/sms/send", new { to = "+14155552671", message = "Hi" }))
            .ShouldBeSuccessAsync()).GetProperty("id").GetInt64();

        var row = (await factory.AuditRowsAsync(tenant.Id)).Single(r => r.Action == "communication.sms.send");
        row.EntityId.ShouldBe(id.ToString());
        row.EntityType.ShouldBe("communication");
        row.Outcome.ShouldBe("success");
    }

    [Fact]
    public async Task A_signed_in_users_request_names_the_user_and_a_long_client_id_is_cut_to_100_characters()
    {
        var tenant = await factory.CreateTenantAsync();
        var user = await tenant.CreateUserAsync("auditor", ["manage_voice_messages"]);
        var client = await user.SignedInClientAsync();
        client.DefaultRequestHeaders.Add("X-Client-Id", new string('c', 150));

        await (await client.PostJsonAsync("/api/voice-messages", new { name = "By a user", voice_text = "Hi." })).ShouldBeSuccessAsync(201);

        var row = (await factory.AuditRowsAsync(tenant.Id)).Single(r => r.Action == "voice_messages.create");
        row.ActorType.ShouldBe("user");
        row.Actor.ShouldBe("auditor");
        row.UserId.ShouldBe(user.Id);
        row.ClientId!.Length.ShouldBe(100);
    }

    [Fact]
    public async Task Requests_without_a_valid_credential_are_recorded_without_a_tenant()
    {
        await (await factory.CreateClient().PostJsonAsync("/api/voice-messages", new { name = "x" })).ShouldBeErrorAsync(401, "UNAUTHORIZED");

        var row = (await factory.AuditRowsAsync()).First(r => r.Action == "voice_messages.create" && r.StatusCode == 401);
        row.TenantId.ShouldBeNull();
        row.ActorType.ShouldBe("anonymous");
    }
}

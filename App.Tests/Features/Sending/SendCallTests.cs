using System.Xml.Linq;
using App.Tests.Support;
using Dapper;

namespace App.Tests.Features.Sending;

/// <summary>Accepting a call into the outbox (the worker is off here; calls end to end are in CallEndToEndTests).</summary>
public sealed class SendCallTests(AppFactory factory) : IClassFixture<AppFactory>
{
    private const string Url = "/api/communication/voice/send";

    private static async Task<long> CreateVoiceMessageAsync(TestTenant tenant, string text = "Hello {{first_name}}, your appointment is at {{time}}.")
    {
        var created = await (await tenant.Client().PostJsonAsync("/api/voice-messages", new
        {
            name = "Reminder " + Guid.NewGuid().ToString("N")[..6], voice_text = text, voice = "Polly.Joanna-Neural", language = "en-US", voice_rate = "slow",
        })).ShouldBeSuccessAsync(201);
        return created.GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task A_call_is_accepted_with_its_rendered_TwiML_document_under_an_unguessable_id()
    {
        var tenant = await factory.CreateTenantAsync();
        var voiceMessageId = await CreateVoiceMessageAsync(tenant);

        var data = await (await tenant.Client().PostJsonAsync(Url, new
        {
            to = "(415) 555-2671", voice_message_id = voiceMessageId, variables = new { first_name = "Ann & <Bob>", time = "9:30" },
        })).ShouldBeSuccessAsync();

        data.GetProperty("status").GetString().ShouldBe("queued");
        data.GetProperty("to").GetString().ShouldBe("+14155552671");
        await using var connection = await factory.Db.OpenAsync();
        var row = await connection.QuerySingleAsync<(string XmlId, string Content, string Type)>(
            "SELECT xml_filename, message_content, network_type FROM communication_log WHERE id = @id", new { id = data.GetProperty("id").GetInt64() });
        row.Type.ShouldBe("call");
        row.Content.ShouldBe("Hello Ann & <Bob>, your appointment is at 9:30.");
        row.XmlId.Length.ShouldBeGreaterThanOrEqualTo(22);
        var xml = await connection.ExecuteScalarAsync<string>("SELECT xml_content FROM voice_xml WHERE id = @XmlId", new { row.XmlId });
        var say = XDocument.Parse(xml!).Root!.Element("Say")!;
        say.Attribute("voice")!.Value.ShouldBe("Polly.Joanna-Neural");
        say.Value.ShouldBe("Hello Ann & <Bob>, your appointment is at 9:30.");
        say.Element("prosody")!.Attribute("rate")!.Value.ShouldBe("slow");
    }

    [Fact]
    public async Task A_missing_variable_refuses_the_call_by_name()
    {
        var tenant = await factory.CreateTenantAsync();
        var voiceMessageId = await CreateVoiceMessageAsync(tenant);

        var error = await (await tenant.Client().PostJsonAsync(Url, new { to = "+14155552671", voice_message_id = voiceMessageId, variables = new { first_name = "Ann" } }))
            .ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        error.GetProperty("details").GetProperty("variables")[0].GetString()!.ShouldContain("'time'");
        await using var connection = await factory.Db.OpenAsync();
        (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM voice_xml WHERE tenant_id = @Id", new { tenant.Id })).ShouldBe(0);
    }

    [Fact]
    public async Task Another_tenants_voice_message_cannot_be_used()
    {
        var owner = await factory.CreateTenantAsync("Owner");
        var other = await factory.CreateTenantAsync("Other");
        var voiceMessageId = await CreateVoiceMessageAsync(owner, "Hello there.");

        var error = await (await other.Client().PostJsonAsync(Url, new { to = "+14155552671", voice_message_id = voiceMessageId }))
            .ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        error.GetProperty("details").TryGetProperty("voice_message_id", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Required_fields_and_bad_numbers_are_refused_per_field()
    {
        var tenant = await factory.CreateTenantAsync();

        var empty = await (await tenant.Client().PostJsonAsync(Url, new { })).ShouldBeErrorAsync(400, "VALIDATION_ERROR");
        empty.GetProperty("details").EnumerateObject().Select(p => p.Name).ShouldBe(["to", "voice_message_id"], ignoreOrder: true);
        var voiceMessageId = await CreateVoiceMessageAsync(tenant, "Hi.");
        await (await tenant.Client().PostJsonAsync(Url, new { to = "garbage", voice_message_id = voiceMessageId })).ShouldBeErrorAsync(400, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task A_form_body_and_an_Idempotency_Key_work_as_for_SMS()
    {
        var tenant = await factory.CreateTenantAsync();
        var voiceMessageId = await CreateVoiceMessageAsync(tenant, "Hi {{name}}.");
        var client = tenant.Client();
        client.DefaultRequestHeaders.Add("Idempotency-Key", "call-0001");
        FormUrlEncodedContent Form() => new([new("to", "+14155552671"), new("voice_message_id", voiceMessageId.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("variables[name]", "Ann")]);

        var first = await (await client.PostAsync(Url, Form())).ShouldBeSuccessAsync();
        var second = await (await client.PostAsync(Url, Form())).ShouldBeSuccessAsync();

        second.GetProperty("id").GetInt64().ShouldBe(first.GetProperty("id").GetInt64());
        await using var connection = await factory.Db.OpenAsync();
        (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM communication_log WHERE tenant_id = @Id", new { tenant.Id })).ShouldBe(1);
    }

    [Fact]
    public async Task An_unauthenticated_request_places_nothing()
    {
        var response = await factory.CreateClient().PostJsonAsync(Url, new { to = "+14155552671", voice_message_id = 1 });

        await response.ShouldBeErrorAsync(401, "UNAUTHORIZED");
    }
}

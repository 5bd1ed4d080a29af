using System.Net;
using System.Text;
using App.Tests.Support;
using Dapper;

namespace App.Tests.Features.Sending;

/// <summary>Accepting an SMS into the outbox (the worker is off here; sending end to end is in <see cref="Communication.OutboxEndToEndTests"/>).</summary>
public sealed class SendSmsTests(AppFactory factory) : IClassFixture<AppFactory>
{
    private const string Url = "/api/communication/sms/send";

    [Fact]
    public async Task An_SMS_is_accepted_as_queued_with_its_log_row_and_outbox_entry()
    {
        var tenant = await factory.CreateTenantAsync();

        var data = await (await tenant.Client().PostJsonAsync(Url, new { to = "+14155552671", message = "Your appointment is tomorrow at 9." })).ShouldBeSuccessAsync();

        data.GetProperty("status").GetString().ShouldBe("queued");
        data.GetProperty("to").GetString().ShouldBe("+14155552671");
        data.GetProperty("encoding").GetString().ShouldBe("GSM-7");
        data.GetProperty("segments").GetInt32().ShouldBe(1);
        var id = data.GetProperty("id").GetInt64();
        await using var connection = await factory.Db.OpenAsync();
        var row = await connection.QuerySingleAsync<(string TenantId, string Status, string To, string Body, string Direction)>(
            "SELECT tenant_id, status, to_number, message_content, direction FROM communication_log WHERE id = @id", new { id });
        row.ShouldBe((tenant.Id, "queued", "+14155552671", "Your appointment is tomorrow at 9.", "outbound"));
        (await connection.ExecuteScalarAsync<string>("SELECT state FROM outbox WHERE log_id = @id", new { id })).ShouldBe("pending");
    }

    [Fact]
    public async Task A_form_encoded_body_with_variables_works_like_JSON()
    {
        var tenant = await factory.CreateTenantAsync();
        var form = new FormUrlEncodedContent([
            new("to", "+14155552671"), new("message", "Hi {{first_name}}, see you at {{ time }}."),
            new("variables[first_name]", "Zoë"), new("variables.time", "9:30"),
        ]);

        var data = await (await tenant.Client().PostAsync(Url, form)).ShouldBeSuccessAsync();

        data.GetProperty("message").GetString().ShouldBe("Hi Zoë, see you at 9:30.");
    }

    [Theory]
    [InlineData("US", "(415) 555-2671", "+14155552671")]
    [InlineData("US", "415.555.2671", "+14155552671")]
    [InlineData("GB", "07911 123456", "+447911123456")]
    [InlineData("US", "+44 7911 123456", "+447911123456")]
    [InlineData("GB", "+1 415 555 2671", "+14155552671")]
    public async Task National_and_international_numbers_are_normalised_to_E164(string region, string typed, string expected)
    {
        var tenant = await factory.CreateTenantAsync();
        await tenant.Client().PutJsonAsync("/api/tenant/profile", new { name = tenant.Name, settings = new { default_region = region } });

        var data = await (await tenant.Client().PostJsonAsync(Url, new { to = typed, message = "hello" })).ShouldBeSuccessAsync();

        data.GetProperty("to").GetString().ShouldBe(expected);
    }

    [Theory]
    [InlineData("not a number")]
    [InlineData("12")]
    [InlineData("+999 123")]
    [InlineData("+1 415 555 26711234")]
    public async Task A_number_that_is_not_a_phone_number_is_refused_with_the_reason(string typed)
    {
        var tenant = await factory.CreateTenantAsync();

        var error = await (await tenant.Client().PostJsonAsync(Url, new { to = typed, message = "hello" })).ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        error.GetProperty("details").GetProperty("to")[0].GetString()!.ShouldContain(typed);
    }

    [Theory]
    [InlineData(160, "", "GSM-7", 1)]
    [InlineData(161, "", "GSM-7", 2)]
    [InlineData(150, "€", "GSM-7", 1)]   // € takes two septets: 152
    [InlineData(159, "€", "GSM-7", 2)]   // 161 septets
    [InlineData(69, "é", "GSM-7", 1)]    // é is in the GSM-7 alphabet
    [InlineData(69, "ł", "UCS-2", 1)]    // 70 UCS-2 characters
    [InlineData(70, "ł", "UCS-2", 2)]
    [InlineData(152, "😀", "UCS-2", 3)]  // the worked example in docs/twilio.md, "SMS segments and encodings"
    public async Task The_answer_counts_encoding_and_segments_as_Twilio_does(int asciiLength, string extra, string encoding, int segments)
    {
        var tenant = await factory.CreateTenantAsync();

        var data = await (await tenant.Client().PostJsonAsync(Url, new { to = "+14155552671", message = new string('a', asciiLength) + extra })).ShouldBeSuccessAsync();

        data.GetProperty("encoding").GetString().ShouldBe(encoding);
        data.GetProperty("segments").GetInt32().ShouldBe(segments);
    }

    [Fact]
    public async Task A_missing_variable_is_refused_by_name_and_nothing_is_stored()
    {
        var tenant = await factory.CreateTenantAsync();

        var error = await (await tenant.Client().PostJsonAsync(Url, new
        {
            to = "+14155552671", message = "Hi {{first_name}}, your total is {{amount}}.", variables = new { first_name = "Ann" },
        })).ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        error.GetProperty("details").GetProperty("variables")[0].GetString()!.ShouldContain("'amount'");
        (await CountRowsAsync(tenant.Id)).ShouldBe(0);
    }

    [Fact]
    public async Task Missing_fields_too_long_messages_and_malformed_placeholders_are_refused_per_field()
    {
        var tenant = await factory.CreateTenantAsync();
        var client = tenant.Client();

        var empty = await (await client.PostJsonAsync(Url, new { })).ShouldBeErrorAsync(400, "VALIDATION_ERROR");
        empty.GetProperty("details").EnumerateObject().Select(p => p.Name).ShouldBe(["to", "message"], ignoreOrder: true);
        var tooLong = await (await client.PostJsonAsync(Url, new { to = "+14155552671", message = new string('x', 1601) })).ShouldBeErrorAsync(400, "VALIDATION_ERROR");
        tooLong.GetProperty("details").GetProperty("message")[0].GetString()!.ShouldContain("1600");
        var filledTooLong = await (await client.PostJsonAsync(Url, new
        {
            to = "+14155552671", message = new string('x', 1590) + "{{name}}", variables = new { name = new string('y', 20) },
        })).ShouldBeErrorAsync(400, "VALIDATION_ERROR");
        filledTooLong.GetProperty("details").GetProperty("message")[0].GetString()!.ShouldContain("1610");
        var malformed = await (await client.PostJsonAsync(Url, new { to = "+14155552671", message = "Hi {{first name}}" })).ShouldBeErrorAsync(400, "VALIDATION_ERROR");
        malformed.GetProperty("details").GetProperty("message")[0].GetString()!.ShouldContain("first name");
        (await CountRowsAsync(tenant.Id)).ShouldBe(0);
    }

    [Fact]
    public async Task Malformed_JSON_and_other_content_types_are_refused_in_the_envelope()
    {
        var tenant = await factory.CreateTenantAsync();

        await (await tenant.Client().PostAsync(Url, new StringContent("{\"to\":", Encoding.UTF8, "application/json"))).ShouldBeErrorAsync(400, "INVALID_JSON");
        await (await tenant.Client().PostAsync(Url, new StringContent("to=1", Encoding.UTF8, "text/plain"))).ShouldBeErrorAsync(415, "UNSUPPORTED_MEDIA_TYPE");
    }

    [Fact]
    public async Task A_recipient_on_the_opt_out_list_is_refused_with_409_OPTED_OUT_and_nothing_is_sent()
    {
        var tenant = await factory.CreateTenantAsync();
        await using (var connection = await factory.Db.OpenAsync())
            await connection.ExecuteAsync("INSERT INTO opt_outs (tenant_id, phone_number, keyword) VALUES (@Id, '+14155552671', 'STOP')", new { tenant.Id });

        var error = await (await tenant.Client().PostJsonAsync(Url, new { to = "(415) 555-2671", message = "Sale!" })).ShouldBeErrorAsync(409, "OPTED_OUT");

        error.GetProperty("details").GetProperty("to").GetString().ShouldBe("+14155552671");
        (await CountRowsAsync(tenant.Id)).ShouldBe(0);
        (await tenant.Client().PostJsonAsync(Url, new { to = "+14155552672", message = "Sale!" })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_same_Idempotency_Key_returns_the_first_answer_without_a_second_send()
    {
        var tenant = await factory.CreateTenantAsync();
        var client = tenant.Client();
        client.DefaultRequestHeaders.Add("Idempotency-Key", "delphi-7f3a-0001");

        var first = await client.PostJsonAsync(Url, new { to = "+14155552671", message = "Once only" });
        var second = await client.PostJsonAsync(Url, new { to = "+14155552671", message = "Once only" });

        var firstData = await first.ShouldBeSuccessAsync();
        var secondData = await second.ShouldBeSuccessAsync();
        secondData.GetProperty("id").GetInt64().ShouldBe(firstData.GetProperty("id").GetInt64());
        second.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        (await CountRowsAsync(tenant.Id)).ShouldBe(1);

        var different = await client.PostJsonAsync(Url, new { to = "+14155552671", message = "Something else" });
        await different.ShouldBeErrorAsync(409, "IDEMPOTENCY_KEY_REUSED");
        (await CountRowsAsync(tenant.Id)).ShouldBe(1);
    }

    [Fact]
    public async Task A_profile_change_applies_to_the_very_next_send()
    {
        var tenant = await factory.CreateTenantAsync();
        var client = tenant.Client();
        var before = await (await client.PostJsonAsync(Url, new { to = "(415) 555-2671", message = "Before" })).ShouldBeSuccessAsync();
        before.GetProperty("to").GetString().ShouldBe("+14155552671");

        (await client.PutJsonAsync("/api/tenant/profile", new { name = tenant.Name, from_number = "+14155550100", settings = new { default_region = "GB" } }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);

        var after = await (await client.PostJsonAsync(Url, new { to = "07911 123456", message = "After" })).ShouldBeSuccessAsync();
        after.GetProperty("to").GetString().ShouldBe("+447911123456");
        after.GetProperty("from").GetString().ShouldBe("+14155550100");
    }

    [Fact]
    public async Task Concurrent_retries_with_one_key_still_create_one_send()
    {
        var tenant = await factory.CreateTenantAsync();
        var client = tenant.Client();
        client.DefaultRequestHeaders.Add("Idempotency-Key", "race-0001");

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.PostJsonAsync(Url, new { to = "+14155552671", message = "Race" })));

        answers.ShouldAllBe(a => a.StatusCode == HttpStatusCode.OK);
        var ids = await Task.WhenAll(answers.Select(async a => (await a.ShouldBeSuccessAsync()).GetProperty("id").GetInt64()));
        ids.Distinct().ShouldHaveSingleItem();
        (await CountRowsAsync(tenant.Id)).ShouldBe(1);
    }

    [Fact]
    public async Task Keys_are_per_tenant()
    {
        var a = await factory.CreateTenantAsync("A");
        var b = await factory.CreateTenantAsync("B");
        var clientA = a.Client();
        var clientB = b.Client();
        clientA.DefaultRequestHeaders.Add("Idempotency-Key", "shared-key");
        clientB.DefaultRequestHeaders.Add("Idempotency-Key", "shared-key");

        (await clientA.PostJsonAsync(Url, new { to = "+14155552671", message = "from A" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await clientB.PostJsonAsync(Url, new { to = "+14155552671", message = "from B" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await CountRowsAsync(a.Id)).ShouldBe(1);
        (await CountRowsAsync(b.Id)).ShouldBe(1);
    }

    [Fact]
    public async Task A_send_at_in_the_future_is_scheduled_and_due_then()
    {
        var tenant = await factory.CreateTenantAsync();
        var at = DateTimeOffset.UtcNow.AddHours(3);

        var data = await (await tenant.Client().PostJsonAsync(Url, new { to = "+14155552671", message = "Later", send_at = at })).ShouldBeSuccessAsync();

        data.GetProperty("status").GetString().ShouldBe("scheduled");
        await using var connection = await factory.Db.OpenAsync();
        var dueAt = await connection.ExecuteScalarAsync<string>("SELECT due_at FROM outbox WHERE log_id = @id", new { id = data.GetProperty("id").GetInt64() });
        DateTimeOffset.Parse(dueAt!, System.Globalization.CultureInfo.InvariantCulture).ShouldBe(at, TimeSpan.FromSeconds(1));

        await (await tenant.Client().PostJsonAsync(Url, new { to = "+14155552671", message = "Past", send_at = DateTimeOffset.UtcNow.AddHours(-1) }))
            .ShouldBeErrorAsync(400, "VALIDATION_ERROR");
    }

    private async Task<long> CountRowsAsync(string tenantId)
    {
        await using var connection = await factory.Db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM communication_log WHERE tenant_id = @tenantId", new { tenantId });
    }
}

using System.Text;
using System.Text.Json;
using App.Tests.Features.Files;
using App.Tests.Support;

namespace App.Tests.Infrastructure;

/// <summary>
/// A body that parses but carries a value of the wrong type is a validation error on that field, on every endpoint,
/// whichever way the body is read; only a body that does not parse is INVALID_JSON. <c>tag_list</c> is also taken as
/// the comma-separated text its column is.
/// </summary>
public sealed class JsonTypeMismatchTests(AppFactory factory) : IClassFixture<AppFactory>
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<string> FieldErrorAsync(HttpResponseMessage response, string field)
    {
        var error = await response.ShouldBeErrorAsync(400, "VALIDATION_ERROR");
        var details = error.GetProperty("details");
        details.EnumerateObject().Select(p => p.Name).ShouldBe([field], error.ToString());
        error.GetProperty("message").GetString()!.ShouldContain(field);
        return details.GetProperty(field)[0].GetString()!;
    }

    [Fact]
    public async Task A_file_takes_tag_list_as_comma_separated_text_as_well_as_an_array()
    {
        var tenant = await factory.CreateTenantAsync();
        var file = await tenant.Client().UploadOkAsync(AudioFixtures.Mp3(1.0), "greeting.mp3");

        var fromText = await (await tenant.Client().PutAsync($"/api/files/{file.Id()}", Json("""{"tag_list": "holiday, greeting,,Holiday"}""")))
            .ShouldBeSuccessAsync();
        fromText.GetProperty("tag_list").EnumerateArray().Select(t => t.GetString()).ShouldBe(["holiday", "greeting"]);
        (await factory.StoredAsync(file.Id()))!.TagList.ShouldBe("holiday,greeting");

        var fromArray = await (await tenant.Client().PutAsync($"/api/files/{file.Id()}", Json("""{"tag_list": ["night"]}""")))
            .ShouldBeSuccessAsync();
        fromArray.GetProperty("tag_list").EnumerateArray().Select(t => t.GetString()).ShouldBe(["night"]);

        var cleared = await (await tenant.Client().PutAsync($"/api/files/{file.Id()}", Json("""{"tag_list": ""}"""))).ShouldBeSuccessAsync();
        cleared.GetProperty("tag_list").GetArrayLength().ShouldBe(0);
    }

    [Theory]
    [InlineData("""{"tag_list": 5}""")]
    [InlineData("""{"tag_list": {"a": 1}}""")]
    [InlineData("""{"tag_list": ["a", 5]}""")]
    public async Task A_tag_list_that_is_neither_text_nor_an_array_of_text_is_a_validation_error_and_changes_nothing(string body)
    {
        var tenant = await factory.CreateTenantAsync();
        var file = await tenant.Client().UploadOkAsync(AudioFixtures.Mp3(1.0), "greeting.mp3", tagList: "keep");

        var expected = await FieldErrorAsync(await tenant.Client().PutAsync($"/api/files/{file.Id()}", Json(body)), "tag_list");

        expected.ShouldBe("must be an array of strings or a comma-separated string");
        (await factory.StoredAsync(file.Id()))!.TagList.ShouldBe("keep");
    }

    [Fact]
    public async Task An_upload_takes_tag_list_as_text_repeated_fields_or_a_JSON_array()
    {
        var tenant = await factory.CreateTenantAsync();
        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(AudioFixtures.Mp3(1.0)), "file", "greeting.mp3" },
            { new StringContent("a, b"), "tag_list" },
            { new StringContent("c"), "tag_list" },
            { new StringContent("""["d", "e"]"""), "tag_list[]" },
        };

        var item = await (await tenant.Client().PostAsync("/api/files/upload", form)).ShouldBeSuccessAsync(201);

        item.GetProperty("tag_list").EnumerateArray().Select(t => t.GetString()).ShouldBe(["a", "b", "c", "d", "e"]);
    }

    [Theory]
    [InlineData("/api/tenant/profile", "PUT", """{"name": 5}""", "name", "must be a string")]
    [InlineData("/api/tenant/profile", "PUT", """{"settings": 5}""", "settings", "must be an object")]
    [InlineData("/api/tenant/profile", "PUT", """{"settings": {"allowed_embed_origins": "https://a.example"}}""", "settings.allowed_embed_origins", "must be an array")]
    [InlineData("/api/tenant/profile", "PUT", """{"settings": {"allowed_embed_origins": ["https://a.example", 7]}}""", "settings.allowed_embed_origins[1]", "must be a string")]
    [InlineData("/api/voice-messages", "POST", """{"name": "n", "voice_text": "t", "voice_age": "old"}""", "voice_age", "must be a whole number")]
    [InlineData("/api/voice-messages", "POST", """{"name": "n", "voice_text": "t", "voice_file_id": 1.5}""", "voice_file_id", "must be a whole number")]
    [InlineData("/api/users", "POST", """{"username": "desk", "is_admin": "yes"}""", "is_admin", "must be true or false")]
    [InlineData("/api/users", "POST", """{"username": "desk", "permissions": "send_sms"}""", "permissions", "must be an array")]
    [InlineData("/api/communication/sms/send", "POST", """{"to": 14155550100, "message": "hi"}""", "to", "must be a string")]
    [InlineData("/api/communication/sms/send", "POST", """{"to": "+14155550100", "message": "hi", "variables": ["Ann"]}""", "variables", "must be an object whose values are text, numbers or true/false")]
    [InlineData("/api/communication/sms/send", "POST", """{"to": "+14155550100", "message": "hi", "variables": {"name": {"first": "Ann"}}}""", "variables", "must be an object whose values are text, numbers or true/false")]
    [InlineData("/api/communication/sms/send", "POST", """{"to": "+14155550100", "message": "hi", "send_at": "tomorrow"}""", "send_at", "must be an ISO-8601 date/time such as 2026-01-31T09:30:00Z")]
    [InlineData("/api/communication/voice/send", "POST", """{"to": "+14155550100", "voice_message_id": "first"}""", "voice_message_id", "must be a whole number")]
    [InlineData("/api/tenant/embed-token", "POST", """[]""", "body", "must be an object")]
    public async Task Every_endpoint_answers_a_value_of_the_wrong_type_as_a_validation_error_naming_the_field(
        string url, string method, string body, string field, string expected)
    {
        var tenant = await factory.CreateTenantAsync();

        var response = await tenant.Client().SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = Json(body) });

        (await FieldErrorAsync(response, field)).ShouldBe(expected);
    }

    [Fact]
    public async Task Template_variables_take_numbers_and_true_false_as_their_text()
    {
        var tenant = await factory.CreateTenantAsync();

        var sent = await (await tenant.Client().PostAsync("/api/communication/sms/send", Json("""
            {"to": "+14155550100", "message": "You owe {{amount}} for {{visits}} visits (insured: {{insured}})",
             "variables": {"amount": 42.50, "visits": 3, "insured": false}}
            """))).ShouldBeSuccessAsync();

        sent.GetProperty("message").GetString().ShouldBe("You owe 42.50 for 3 visits (insured: false)");
    }

    [Fact]
    public async Task A_null_variable_is_a_missing_one()
    {
        var tenant = await factory.CreateTenantAsync();

        var response = await tenant.Client().PostAsync("/api/communication/sms/send",
            Json("""{"to": "+14155550100", "message": "Hi {{first_name}}", "variables": {"first_name": null}}"""));

        var error = await response.ShouldBeErrorAsync(400, "VALIDATION_ERROR");
        error.GetProperty("details").GetProperty("variables")[0].GetString()!.ShouldContain("first_name");
    }

    [Fact]
    public async Task A_field_name_sent_in_another_case_is_still_named_in_snake_case()
    {
        var tenant = await factory.CreateTenantAsync();

        var response = await tenant.Client().PutAsync("/api/tenant/profile", Json("""{"Settings": {"Allowed_Embed_Origins": 3}}"""));

        (await FieldErrorAsync(response, "settings.allowed_embed_origins")).ShouldBe("must be an array");
    }

    [Fact]
    public async Task A_form_field_of_the_wrong_type_is_a_validation_error_too()
    {
        var tenant = await factory.CreateTenantAsync();

        var response = await tenant.Client().PostAsync("/api/communication/voice/send",
            new FormUrlEncodedContent([new("to", "+14155550100"), new("voice_message_id", "first")]));

        (await FieldErrorAsync(response, "voice_message_id")).ShouldBe("must be a whole number");
    }

    [Theory]
    [InlineData("/api/files/1", "PUT", """{"tag_list": "a,b" """)]
    [InlineData("/api/tenant/profile", "PUT", """{"name": 'single quotes'}""")]
    [InlineData("/api/communication/sms/send", "POST", """{"to": "+14155550100", "message": "hi",}""")]
    [InlineData("/api/communication/sms/send", "POST", "")]
    public async Task A_body_that_does_not_parse_stays_INVALID_JSON(string url, string method, string body)
    {
        var tenant = await factory.CreateTenantAsync();

        var response = await tenant.Client().SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = Json(body) });

        var error = await response.ShouldBeErrorAsync(400, "INVALID_JSON");
        error.GetProperty("details").ValueKind.ShouldBe(JsonValueKind.Object);
    }

    [Fact]
    public async Task An_empty_body_where_one_is_required_says_so()
    {
        var tenant = await factory.CreateTenantAsync();

        var response = await tenant.Client().PutAsync("/api/tenant/profile", Json(""));

        var error = await response.ShouldBeErrorAsync(400, "BAD_REQUEST");
        error.GetProperty("message").GetString()!.ShouldContain("empty");
    }

    [Theory]
    [InlineData("/api/tenant/usage?from=yesterday", "from", "must be an ISO-8601 date such as 2026-01-31")]
    [InlineData("/api/communication/history?page=abc", "page", "must be a whole number")]
    [InlineData("/api/errors?per_page=lots", "per_page", "must be a whole number")]
    public async Task A_query_value_of_the_wrong_type_is_a_validation_error_naming_the_parameter(string url, string field, string expected)
    {
        var tenant = await factory.CreateTenantAsync();

        (await FieldErrorAsync(await tenant.Client().GetAsync(url), field)).ShouldBe(expected);
    }
}

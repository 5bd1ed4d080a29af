using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using App.Tests.Support;
using App.Twilio;
using App.Twilio.Simulator;

namespace App.Tests.Twilio.Simulator;

/// <summary>The simulator's wire format, spoken directly over HTTP: auth, Twilio's error bodies and the spec's schemas.</summary>
public sealed class SimulatorApiTests(SimulatorAppFactory factory) : IClassFixture<SimulatorAppFactory>
{
    private const string MessagesPath = "/2010-04-01/Accounts/{AccountSid}/Messages.json";
    private const string CallsPath = "/2010-04-01/Accounts/{AccountSid}/Calls.json";
    private static readonly TwilioOpenApiSpec Spec = TwilioOpenApiSpec.Instance;

    [Fact]
    public async Task A_wrong_password_an_unknown_account_or_another_accounts_path_answer_401_20003()
    {
        var (credentials, http) = await TenantAsync();
        var other = factory.Service<SimulatedAccounts>().CredentialsFor((await factory.CreateTenantAsync()).Id);

        foreach (var (user, password, pathSid) in new[]
        {
            (credentials.AccountSid, credentials.Secret + "x", credentials.AccountSid),
            ("AC" + new string('0', 32), credentials.Secret, "AC" + new string('0', 32)),
            (credentials.AccountSid, credentials.Secret, other.AccountSid),
            (other.AccountSid, other.Secret, credentials.AccountSid),
            ("someone", credentials.Secret, credentials.AccountSid),
        })
        {
            foreach (var (method, resource) in new[] { (HttpMethod.Get, "Messages"), (HttpMethod.Post, "Messages"), (HttpMethod.Post, "Calls") })
            {
                using var request = new HttpRequestMessage(method, $"/twilio-sim/2010-04-01/Accounts/{pathSid}/{resource}.json");
                request.Headers.Authorization = Basic(user, password);
                if (method == HttpMethod.Post)
                {
                    request.Content = new FormUrlEncodedContent(new Dictionary<string, string>
                    {
                        ["To"] = "+14155550100", ["From"] = SimulatedAccounts.DefaultFromNumber, ["Body"] = "Hi", ["Url"] = "https://example.com/twiml",
                    });
                }

                var response = await http.SendAsync(request);

                response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, $"{method} {resource}: {user} on {pathSid}");
                response.Headers.WwwAuthenticate.ToString().ShouldStartWith("Basic");
                var body = await response.JsonAsync();
                body.GetProperty("code").GetInt32().ShouldBe(20003);
                body.GetProperty("message").GetString().ShouldBe("Authenticate");
                body.GetProperty("more_info").GetString().ShouldBe("https://www.twilio.com/docs/errors/20003");
                body.GetProperty("status").GetInt32().ShouldBe(401);
            }
        }

        (await http.GetAsync($"/twilio-sim/2010-04-01/Accounts/{credentials.AccountSid}/Messages.json")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var client = factory.TwilioRest();
        var error = await Should.ThrowAsync<TwilioApiException>(() => client.CreateMessageAsync(
            credentials with { Secret = "wrong" }, SimulatorSends.Sms("+14155552671", "hi")));
        error.HttpStatus.ShouldBe(401);
        error.Code.ShouldBe(20003);
    }

    [Fact]
    public async Task An_api_key_sid_authenticates_with_the_account_sid_in_the_path()
    {
        var (credentials, _) = await TenantAsync();
        var client = factory.TwilioRest();

        var message = await client.CreateMessageAsync(
            new TwilioCredentials(credentials.AccountSid, "SK" + new string('a', 32), credentials.Secret),
            SimulatorSends.Sms("+14155552671", "via key"));

        message.AccountSid.ShouldBe(credentials.AccountSid);
    }

    public static TheoryData<string, string, int> InvalidMessages() => new()
    {
        { "no To", "From=%2B15005550006&Body=hi", 21604 },
        { "no From", "To=%2B14155552671&Body=hi", 21603 },
        { "no Body", "To=%2B14155552671&From=%2B15005550006", 21602 },
        { "bad To", "To=4155552671&From=%2B15005550006&Body=hi", 21211 },
        { "To is From", "To=%2B15005550006&From=%2B15005550006&Body=hi", 21211 },
        { "bad From", "To=%2B14155552671&From=not+a+number!&Body=hi", 21606 },
        { "long Body", "To=%2B14155552671&From=%2B15005550006&Body=" + new string('a', 1601), 21617 },
        { "underscore host", "To=%2B14155552671&From=%2B15005550006&Body=hi&StatusCallback=https%3A%2F%2Fmy_host.example%2Fs", 21609 },
        { "relative callback", "To=%2B14155552671&From=%2B15005550006&Body=hi&StatusCallback=%2Fs", 21609 },
    };

    [Theory]
    [MemberData(nameof(InvalidMessages))]
    public async Task Invalid_messages_are_refused_with_twilios_codes(string scenario, string form, int code)
    {
        var (credentials, http) = await TenantAsync();

        var response = await PostFormAsync(http, credentials, "Messages.json", form);

        await ShouldBeTwilioErrorAsync(response, 400, code, scenario);
    }

    public static TheoryData<string, string, int> InvalidCalls() => new()
    {
        { "no To", "From=%2B15005550006&Url=https%3A%2F%2Fx.example%2Ft", 21201 },
        { "no From", "To=%2B14155552671&Url=https%3A%2F%2Fx.example%2Ft", 21213 },
        { "bad From", "To=%2B14155552671&From=abc&Url=https%3A%2F%2Fx.example%2Ft", 21212 },
        { "no Url", "To=%2B14155552671&From=%2B15005550006", 21205 },
        { "bad Url", "To=%2B14155552671&From=%2B15005550006&Url=ftp%3A%2F%2Fx.example%2Ft", 21205 },
        { "bad event", "To=%2B14155552671&From=%2B15005550006&Url=https%3A%2F%2Fx.example%2Ft&StatusCallbackEvent=answered&StatusCallbackEvent=answerd", 21626 },
        { "bad callback", "To=%2B14155552671&From=%2B15005550006&Url=https%3A%2F%2Fx.example%2Ft&StatusCallback=https%3A%2F%2Fa_b.example%2F", 21609 },
        { "application", "To=%2B14155552671&From=%2B15005550006&ApplicationSid=AP0123456789abcdef0123456789abcdef", 21218 },
    };

    [Theory]
    [MemberData(nameof(InvalidCalls))]
    public async Task Invalid_calls_are_refused_with_twilios_codes(string scenario, string form, int code)
    {
        var (credentials, http) = await TenantAsync();
        var before = factory.Ledger.CreatedCalls;

        var response = await PostFormAsync(http, credentials, "Calls.json", form);

        await ShouldBeTwilioErrorAsync(response, 400, code, scenario);
        factory.Ledger.CreatedCalls.ShouldBe(before);
    }

    [Fact]
    public async Task Repeated_status_callback_event_keys_are_each_honoured()
    {
        var (credentials, http) = await TenantAsync();
        var statusPath = $"{CallbackCapture.Prefix}/call-status/{Guid.NewGuid():N}";
        var form = "To=%2B14155552671&From=%2B15005550006&Twiml=%3CResponse%3E%3CHangup%2F%3E%3C%2FResponse%3E"
            + "&StatusCallback=" + Uri.EscapeDataString(factory.UrlFor(statusPath))
            + "&StatusCallbackEvent=ringing&StatusCallbackEvent=answered";

        var response = await PostFormAsync(http, credentials, "Calls.json", form);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var callbacks = await factory.Capture.WaitForAsync(statusPath, 2);
        await Task.Delay(150);
        factory.Capture.Hits(statusPath).Select(c => c["CallStatus"]).ShouldBe(["ringing", "in-progress"], "completed was not asked for");
    }

    [Fact]
    public async Task An_unknown_sid_answers_404_20404()
    {
        var (credentials, http) = await TenantAsync();

        foreach (var resource in new[] { "Messages/SM0123456789abcdef0123456789abcdef.json", "Calls/CA0123456789abcdef0123456789abcdef.json" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/twilio-sim/2010-04-01/Accounts/{credentials.AccountSid}/{resource}");
            request.Headers.Authorization = Basic(credentials.Username, credentials.Secret);
            await ShouldBeTwilioErrorAsync(await http.SendAsync(request), 404, 20404, resource);
        }
    }

    [Fact]
    public async Task Every_json_body_the_simulator_writes_fits_the_spec_schemas()
    {
        var (credentials, http) = await TenantAsync();
        var statusPath = $"{CallbackCapture.Prefix}/sms/{Guid.NewGuid():N}";
        var messageForm = "To=%2B14155552671&From=%2B15005550006&Body=Caf%C3%A9+%E2%9C%93&StatusCallback=" + Uri.EscapeDataString(factory.UrlFor(statusPath));
        var callForm = "To=%2B14155552671&From=%2B15005550006&Twiml=%3CResponse%3E%3CSay%3EHi%3C%2FSay%3E%3C%2FResponse%3E";
        var mmsForm = "To=%2B14155552671&MessagingServiceSid=MG0123456789abcdef0123456789abcdef&MediaUrl=https%3A%2F%2Fx.example%2Fa.png&MediaUrl=https%3A%2F%2Fx.example%2Fb.png";

        var message = await CheckedAsync(await PostFormAsync(http, credentials, "Messages.json", messageForm), 201, "api.v2010.account.message");
        var mms = await CheckedAsync(await PostFormAsync(http, credentials, "Messages.json", mmsForm), 201, "api.v2010.account.message");
        var call = await CheckedAsync(await PostFormAsync(http, credentials, "Calls.json", callForm), 201, "api.v2010.account.call");
        message.GetProperty("body").GetString().ShouldBe("Café ✓");
        mms.GetProperty("sid").GetString().ShouldStartWith("MM");
        mms.GetProperty("status").GetString().ShouldBe("accepted");
        mms.GetProperty("num_media").GetString().ShouldBe("2");
        mms.GetProperty("num_segments").GetString().ShouldBe("0");

        // Wait for the end states, so the dated and priced variants are checked as well.
        await factory.Capture.WaitForAsync(statusPath, 3);
        await Eventually.TrueAsync(() => factory.Ledger.Calls[call.GetProperty("sid").GetString()!].Status == "completed", "the call to complete");
        await Eventually.TrueAsync(() => factory.Ledger.Messages[mms.GetProperty("sid").GetString()!].Status == "delivered", "the MMS to be delivered");

        var fetchedMessage = await CheckedAsync(await GetAsync(http, credentials, $"Messages/{message.GetProperty("sid").GetString()}.json"), 200, "api.v2010.account.message");
        fetchedMessage.GetProperty("price").GetString().ShouldBe("-0.00790");
        var fetchedCall = await CheckedAsync(await GetAsync(http, credentials, $"Calls/{call.GetProperty("sid").GetString()}.json"), 200, "api.v2010.account.call");
        fetchedCall.GetProperty("duration").GetString().ShouldBe("1");

        var messages = await CheckedPageAsync(await GetAsync(http, credentials, "Messages.json?To=%2B14155552671&PageSize=1"), MessagesPath);
        messages.GetProperty("messages").GetArrayLength().ShouldBe(1);
        messages.GetProperty("next_page_uri").GetString().ShouldStartWith($"/2010-04-01/Accounts/{credentials.AccountSid}/Messages.json?");
        await CheckedPageAsync(await GetAsync(http, credentials, "Calls.json?DateSent%3E=2024-01-01"), CallsPath);
        await CheckedPageAsync(await GetAsync(http, credentials, "Calls.json?StartTime%3E=2024-01-01&Status=completed"), CallsPath);
    }

    [Fact]
    public void The_schema_check_catches_unknown_names_wrong_types_bad_enums_and_dates()
    {
        using var document = JsonDocument.Parse("""
            {"sid":"SM0123","num_segments":1,"status":"sended","date_created":"2024-01-01T00:00:00Z","error_code":"30003","nmu_media":"0","price":null}
            """);

        var problems = SpecSchema.Check(document.RootElement, Spec.Schema("api.v2010.account.message"), "message");

        problems.ShouldContain(p => p.Contains("message.sid", StringComparison.Ordinal));
        problems.ShouldContain(p => p.Contains("message.num_segments should be a string", StringComparison.Ordinal));
        problems.ShouldContain(p => p.Contains("'sended' is not in the enum", StringComparison.Ordinal));
        problems.ShouldContain(p => p.Contains("not an RFC 2822 date", StringComparison.Ordinal));
        problems.ShouldContain(p => p.Contains("message.error_code should be an integer", StringComparison.Ordinal));
        problems.ShouldContain(p => p.Contains("message.nmu_media is not defined", StringComparison.Ordinal));
        problems.Count.ShouldBe(7, "the short sid breaks both its pattern and its length");
    }

    [Fact]
    public async Task The_simulator_is_not_part_of_the_openapi_document()
    {
        _ = factory.BaseAddress;
        using var http = new HttpClient { BaseAddress = factory.BaseAddress };

        var document = await http.GetStringAsync("/openapi/v1.json");

        document.ShouldNotContain("twilio-sim");
        document.ShouldNotContain("2010-04-01");
    }

    private async Task<JsonElement> CheckedAsync(HttpResponseMessage response, int status, string schema)
    {
        var body = await response.JsonAsync();
        ((int)response.StatusCode).ShouldBe(status, body.ToString());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        var problems = SpecSchema.Check(body, Spec.Schema(schema), schema);
        problems.ShouldBeEmpty(string.Join(" | ", problems));
        return body;
    }

    private async Task<JsonElement> CheckedPageAsync(HttpResponseMessage response, string template)
    {
        var body = await response.JsonAsync();
        ((int)response.StatusCode).ShouldBe(200, body.ToString());
        var problems = SpecSchema.Check(body, Spec.ResponseSchema(template, "get", "200"), template);
        problems.ShouldBeEmpty(string.Join(" | ", problems));
        foreach (var example in Spec.ResponseExamples(template, "get", "200"))
        {
            body.EnumerateObject().Select(p => p.Name).Order().ShouldBe(example.Value.EnumerateObject().Select(p => p.Name).Order(), $"page fields as in example {example.Name}");
        }

        return body;
    }

    private async Task<(TwilioCredentials Credentials, HttpClient Http)> TenantAsync()
    {
        var tenant = await factory.CreateTenantAsync();
        return (factory.Service<SimulatedAccounts>().CredentialsFor(tenant.Id), new HttpClient { BaseAddress = factory.BaseAddress });
    }

    private static Task<HttpResponseMessage> PostFormAsync(HttpClient http, TwilioCredentials credentials, string resource, string form)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/twilio-sim/2010-04-01/Accounts/{credentials.AccountSid}/{resource}")
        {
            Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = Basic(credentials.Username, credentials.Secret);
        return http.SendAsync(request);
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient http, TwilioCredentials credentials, string resource)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/twilio-sim/2010-04-01/Accounts/{credentials.AccountSid}/{resource}");
        request.Headers.Authorization = Basic(credentials.Username, credentials.Secret);
        return http.SendAsync(request);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static async Task ShouldBeTwilioErrorAsync(HttpResponseMessage response, int status, int code, string scenario)
    {
        var body = await response.JsonAsync();
        ((int)response.StatusCode).ShouldBe(status, $"{scenario}: {body}");
        body.GetProperty("code").GetInt32().ShouldBe(code, scenario);
        body.GetProperty("status").GetInt32().ShouldBe(status);
        body.GetProperty("message").GetString().ShouldNotBeNullOrWhiteSpace();
        body.GetProperty("more_info").GetString().ShouldBe($"https://www.twilio.com/docs/errors/{code}");
        body.EnumerateObject().Select(p => p.Name).Order().ShouldBe(["code", "message", "more_info", "status"]);
    }
}

/// <summary>Checks a JSON value against an OpenAPI 3.0 schema of Twilio's spec: names, types, nullability, enums, patterns, dates.</summary>
public static class SpecSchema
{
    public static List<string> Check(JsonElement value, JsonElement schema, string where)
    {
        var problems = new List<string>();
        CheckValue(value, Resolve(schema), where, problems);
        return problems;
    }

    private static void CheckValue(JsonElement value, JsonElement schema, string where, List<string> problems)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            if (!(schema.TryGetProperty("nullable", out var nullable) && nullable.GetBoolean())) problems.Add($"{where} is null but not nullable.");
            return;
        }

        var type = schema.TryGetProperty("type", out var t) ? t.GetString() : null;
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        switch (type)
        {
            case "object":
                if (value.ValueKind != JsonValueKind.Object) { problems.Add($"{where} should be an object."); return; }
                if (schema.TryGetProperty("properties", out var properties))
                {
                    foreach (var property in value.EnumerateObject())
                    {
                        if (!properties.TryGetProperty(property.Name, out var propertySchema)) problems.Add($"{where}.{property.Name} is not defined by the spec.");
                        else CheckValue(property.Value, Resolve(propertySchema), $"{where}.{property.Name}", problems);
                    }
                }
                else if (format == "uri-map" && value.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String || !p.Value.GetString()!.StartsWith('/')))
                {
                    problems.Add($"{where} should map names to relative URIs.");
                }

                break;
            case "array":
                if (value.ValueKind != JsonValueKind.Array) { problems.Add($"{where} should be an array."); return; }
                var items = Resolve(schema.GetProperty("items"));
                var index = 0;
                foreach (var item in value.EnumerateArray()) CheckValue(item, items, $"{where}[{index++}]", problems);
                break;
            case "integer":
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out _)) problems.Add($"{where} should be an integer, not {value}.");
                break;
            case "string":
                if (value.ValueKind != JsonValueKind.String) { problems.Add($"{where} should be a string, not {value.ValueKind}."); return; }
                var text = value.GetString()!;
                if (schema.TryGetProperty("enum", out var values) && values.EnumerateArray().All(v => v.GetString() != text)) problems.Add($"{where} '{text}' is not in the enum.");
                if (schema.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(text, pattern.GetString()!)) problems.Add($"{where} '{text}' does not match {pattern.GetString()}.");
                if (schema.TryGetProperty("minLength", out var min) && text.Length < min.GetInt32()) problems.Add($"{where} is shorter than {min}.");
                if (schema.TryGetProperty("maxLength", out var max) && text.Length > max.GetInt32()) problems.Add($"{where} is longer than {max}.");
                if (format == "date-time-rfc-2822" && !Regex.IsMatch(text, @"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$"))
                {
                    problems.Add($"{where} '{text}' is not an RFC 2822 date.");
                }

                if (format == "uri" && !text.StartsWith('/')) problems.Add($"{where} '{text}' should be relative to the API host.");
                break;
            default:
                problems.Add($"{where}: the schema has no type the checker knows ({type}).");
                break;
        }
    }

    private static JsonElement Resolve(JsonElement schema)
    {
        while (schema.TryGetProperty("$ref", out var reference))
        {
            var target = TwilioOpenApiSpec.Instance.Root;
            foreach (var part in reference.GetString()!.TrimStart('#', '/').Split('/')) target = target.GetProperty(part);
            schema = target;
        }

        return schema;
    }
}

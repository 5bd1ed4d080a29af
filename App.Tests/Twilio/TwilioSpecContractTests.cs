using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using App.Twilio;
using App.Twilio.Simulator;
using Microsoft.Extensions.DependencyInjection;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;
using static App.Tests.Twilio.ScriptedTwilio;

namespace App.Tests.Twilio;

/// <summary>
/// Every request <see cref="TwilioRest"/> makes, as the SDK writes it on the wire, and every answer it reads, checked
/// against Twilio's OpenAPI spec; and the simulator's resource records against the spec's schemas.
/// </summary>
public class TwilioSpecContractTests
{
    private const string MessagesPath = "/2010-04-01/Accounts/{AccountSid}/Messages.json";
    private const string MessagePath = "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json";
    private const string CallsPath = "/2010-04-01/Accounts/{AccountSid}/Calls.json";
    private const string CallPath = "/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json";
    private const string MessageSid = "SM0123456789abcdef0123456789abcdef";
    private const string CallSid = "CA0123456789abcdef0123456789abcdef";

    private static readonly TwilioOpenApiSpec Spec = TwilioOpenApiSpec.Instance;
    private static readonly TwilioCredentials Credentials =
        new(TwilioRestTests.AccountSid, "SK0123456789abcdef0123456789abcdef", "secret");

    public static TheoryData<string> ClientRequests() =>
        ["message-full", "message-service", "call-url", "call-twiml", "fetch-message", "fetch-call", "list-messages", "list-calls"];

    [Theory]
    [MemberData(nameof(ClientRequests))]
    public async Task Every_request_the_client_makes_conforms_to_the_spec(string scenario)
    {
        var requests = await Capture(scenario);

        // The list examples in the spec carry a next_page_uri, so the followed page is checked as well.
        requests.Count.ShouldBe(scenario.StartsWith("list", StringComparison.Ordinal) ? 2 : 1);
        foreach (var request in requests)
        {
            var problems = Spec.CheckRequest(new HttpMethod(request.Method), request.Uri, request.Query, request.Form);
            problems.ShouldBeEmpty($"{request.Method} {request.Uri}: {string.Join(" | ", problems)}");
        }
    }

    [Fact]
    public void The_checker_catches_misspelt_unknown_and_invalid_parameters()
    {
        var uri = new Uri($"https://api.twilio.com/2010-04-01/Accounts/{TwilioRestTests.AccountSid}/Calls.json");
        KeyValuePair<string, string>[] form =
        [
            new("To", "+14155552671"),
            new("From", "+15005550006"),
            new("Url", "https://x.example/t"),
            new("StatusCallbackEvents", "answered"),
            new("StatusCallbackEvent", "answerd"),
            new("Method", "PUT"),
            new("Timeout", "soon"),
            new("Url", "https://x.example/again"),
        ];

        var problems = Spec.CheckRequest(HttpMethod.Post, uri, [], form);

        problems.ShouldContain(p => p.Contains("'StatusCallbackEvents'", StringComparison.Ordinal));
        problems.ShouldContain(p => p.Contains("'answerd'", StringComparison.Ordinal));
        problems.ShouldContain(p => p.Contains("'PUT'", StringComparison.Ordinal));
        problems.ShouldContain(p => p.Contains("'Timeout' must be an integer", StringComparison.Ordinal));
        problems.ShouldContain(p => p.Contains("'Url' is repeated", StringComparison.Ordinal));
    }

    [Fact]
    public void The_checker_catches_missing_required_parameters_wrong_paths_methods_and_query_names()
    {
        var messages = new Uri($"https://api.twilio.com/2010-04-01/Accounts/{TwilioRestTests.AccountSid}/Messages.json");

        Spec.CheckRequest(HttpMethod.Post, messages, [], [new("Body", "x")])
            .ShouldContain(p => p.Contains("Required form parameter 'To'", StringComparison.Ordinal));
        Spec.CheckRequest(HttpMethod.Get, messages, [new("DateSent>=", "2024-01-01")], [])
            .ShouldContain(p => p.Contains("'DateSent>='", StringComparison.Ordinal));
        Spec.CheckRequest(HttpMethod.Put, messages, [], []).ShouldNotBeEmpty();
        Spec.CheckRequest(HttpMethod.Get, new Uri("https://api.twilio.com/2010-04-01/Accounts/AC1/Message.json"), [], []).ShouldNotBeEmpty();
        Spec.CheckRequest(HttpMethod.Get, new Uri("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json"), [], [])
            .ShouldContain(p => p.Contains("does not match", StringComparison.Ordinal));
        Spec.CheckRequest(HttpMethod.Post, messages, [], [new("To", "+1"), new("SmartEncoded", "yes")])
            .ShouldContain(p => p.Contains("true or false", StringComparison.Ordinal));
    }

    [Fact]
    public void The_checker_catches_a_misspelt_response_field()
    {
        var problems = Spec.CheckRecord(typeof(MisspeltMessage), Spec.Schema("api.v2010.account.message"));

        problems.ShouldContain(p => p.Contains("'num_segment'", StringComparison.Ordinal));
        problems.ShouldContain(p => p.Contains("ErrorCode", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_field_the_simulator_serves_is_defined_by_the_spec()
    {
        Spec.CheckRecord(typeof(TwilioMessage), Spec.Schema("api.v2010.account.message")).ShouldBeEmpty();
        Spec.CheckRecord(typeof(TwilioCall), Spec.Schema("api.v2010.account.call")).ShouldBeEmpty();
    }

    [Fact]
    public void The_call_events_we_send_are_exactly_the_spec_enum()
    {
        var values = Spec.Schema("call_enum_event").GetProperty("enum").EnumerateArray().Select(v => v.GetString());

        TwilioCallEvents.All.ShouldBe(values, ignoreOrder: true);
    }

    public static TheoryData<string, string, string, string> ResponseExamples() => new()
    {
        { MessagesPath, "post", "201", "message" },
        { MessagePath, "get", "200", "message" },
        { CallsPath, "post", "201", "call" },
        { CallPath, "get", "200", "call" },
        { MessagesPath, "get", "200", "messages" },
        { CallsPath, "get", "200", "calls" },
    };

    [Theory]
    [MemberData(nameof(ResponseExamples))]
    public async Task The_spec_response_examples_read_through_the_sdk_into_the_same_values(string template, string method, string status, string kind)
    {
        foreach (var (name, example) in Spec.ResponseExamples(template, method, status))
        {
            await using var twilio = await StartAsync(Respond(int.Parse(status, CultureInfo.InvariantCulture), example.GetRawText()));
            await using var services = Services(twilio.BaseUrl);
            var rest = services.GetRequiredService<TwilioRest>();

            object[] parsed = kind switch
            {
                "message" => [await rest.FetchMessageAsync(Credentials, MessageSid)],
                "call" => [await rest.FetchCallAsync(Credentials, CallSid)],
                "messages" => [.. (await rest.ListMessagesAsync(Credentials, maxPages: 1)).Items],
                _ => [.. (await rest.ListCallsAsync(Credentials, maxPages: 1)).Items],
            };
            var items = kind is "messages" or "calls" ? example.GetProperty(kind).EnumerateArray().ToList() : [example];

            parsed.Length.ShouldBe(items.Count, name);
            for (var i = 0; i < items.Count; i++)
            {
                SameValues(items[i], parsed[i], $"{template} {method} {status} example '{name}'");
            }
        }
    }

    /// <summary>Each field the SDK's resource maps must carry the example's value (dates compared as instants).</summary>
    private static void SameValues(JsonElement example, object resource, string context)
    {
        using var ours = JsonDocument.Parse(Newtonsoft.Json.JsonConvert.SerializeObject(resource, new Newtonsoft.Json.JsonSerializerSettings
        {
            DateTimeZoneHandling = Newtonsoft.Json.DateTimeZoneHandling.Utc,
        }));
        var compared = 0;
        foreach (var property in ours.RootElement.EnumerateObject())
        {
            if (!example.TryGetProperty(property.Name, out var expected))
            {
                continue;
            }

            compared++;
            var actual = property.Value;
            var where = $"{context}: {property.Name}";
            var isDate = property.Name.StartsWith("date_", StringComparison.Ordinal) || property.Name.EndsWith("_time", StringComparison.Ordinal) && property.Name != "queue_time";
            if (isDate && expected.ValueKind == JsonValueKind.String && expected.GetString() is { Length: > 0 } text)
            {
                DateTimeOffset.Parse(actual.GetString()!, CultureInfo.InvariantCulture)
                    .ShouldBe(DateTimeOffset.ParseExact(text, "ddd, dd MMM yyyy HH:mm:ss zzz", CultureInfo.InvariantCulture), where);
            }
            else if (isDate)
            {
                actual.ValueKind.ShouldBe(JsonValueKind.Null, where);
            }
            else
            {
                JsonNode.DeepEquals(JsonNode.Parse(actual.GetRawText()), JsonNode.Parse(expected.GetRawText()))
                    .ShouldBeTrue($"{where}: {actual.GetRawText()} is not {expected.GetRawText()}");
            }
        }

        compared.ShouldBeGreaterThan(10, context);
    }

    private static async Task<IReadOnlyList<CapturedRequest>> Capture(string scenario)
    {
        await using var twilio = await StartAsync(scenario switch
        {
            "message-full" or "message-service" => Respond(201, TwilioRestTests.MessageJson),
            "fetch-message" => Respond(200, TwilioRestTests.MessageJson),
            "call-url" or "call-twiml" => Respond(201, TwilioRestTests.CallJson),
            "fetch-call" => Respond(200, TwilioRestTests.CallJson),
            "list-messages" => Respond(200, Spec.ResponseExamples(MessagesPath, "get", "200")[0].Value.GetRawText()),
            _ => Respond(200, Spec.ResponseExamples(CallsPath, "get", "200")[0].Value.GetRawText()),
        });
        await using var services = Services(twilio.BaseUrl);
        var rest = services.GetRequiredService<TwilioRest>();
        var to = new PhoneNumber("+14155552671");
        var from = new PhoneNumber("+15005550006");

        switch (scenario)
        {
            case "message-full":
                await rest.CreateMessageAsync(Credentials, new CreateMessageOptions(to)
                {
                    From = from,
                    Body = "Hi",
                    MediaUrl = [new Uri("https://x.example/a.png"), new Uri("https://x.example/b.png")],
                    StatusCallback = new Uri("https://hooks.example.org/s"),
                    ValidityPeriod = 3600,
                    SmartEncoded = false,
                });
                break;
            case "message-service":
                await rest.CreateMessageAsync(Credentials, new CreateMessageOptions(to)
                {
                    MessagingServiceSid = "MG0123456789abcdef0123456789abcdef",
                    MediaUrl = [new Uri("https://x.example/a.png")],
                });
                break;
            case "call-url":
                await rest.CreateCallAsync(Credentials, new CreateCallOptions(to, from)
                {
                    Url = new Uri("https://x.example/twiml"),
                    Method = global::Twilio.Http.HttpMethod.Post,
                    StatusCallback = new Uri("https://hooks.example.org/c"),
                    StatusCallbackEvent = [.. TwilioCallEvents.All],
                    StatusCallbackMethod = global::Twilio.Http.HttpMethod.Get,
                    Timeout = 45,
                    MachineDetection = "DetectMessageEnd",
                });
                break;
            case "call-twiml":
                await rest.CreateCallAsync(Credentials, new CreateCallOptions(to, from)
                {
                    Twiml = new Twiml(new VoiceTwiml().Say("Hi", voice: "Polly.Joanna").ToXml()),
                    MachineDetection = "Enable",
                });
                break;
            case "fetch-message":
                await rest.FetchMessageAsync(Credentials, MessageSid);
                break;
            case "fetch-call":
                await rest.FetchCallAsync(Credentials, CallSid);
                break;
            case "list-messages":
                await rest.ListMessagesAsync(Credentials, new ReadMessageOptions
                {
                    To = to,
                    From = from,
                    DateSentAfter = new DateTime(2024, 1, 1),
                    DateSentBefore = new DateTime(2024, 1, 31),
                    PageSize = 50,
                }, maxPages: 2);
                break;
            default:
                await rest.ListCallsAsync(Credentials, new ReadCallOptions
                {
                    To = to,
                    From = from,
                    StartTimeAfter = new DateTime(2024, 1, 1),
                    StartTimeBefore = new DateTime(2024, 1, 31),
                    PageSize = 50,
                }, maxPages: 2);
                break;
        }

        return twilio.Requests;
    }

    private sealed record MisspeltMessage
    {
        [JsonPropertyName("num_segment")] public string? NumSegments { get; init; }
        [JsonPropertyName("error_code")] public string? ErrorCode { get; init; }
        [JsonPropertyName("sid")] public string? Sid { get; init; }
    }
}

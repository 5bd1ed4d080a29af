using System.Globalization;
using System.Text;
using App.Tests.Support;
using App.Twilio;
using Microsoft.Extensions.DependencyInjection;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;
using static App.Tests.Twilio.ScriptedTwilio;

namespace App.Tests.Twilio;

/// <summary>
/// <see cref="TwilioRest"/> against a scripted Twilio on a real socket, with no retries (those are in
/// <see cref="TwilioResilienceTests"/>): what the SDK writes, how answers are read and classified, and the traps of
/// the SDK that the seam closes.
/// </summary>
public class TwilioRestTests
{
    internal const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    internal const string MessageJson = """
        {"account_sid":"AC0123456789abcdef0123456789abcdef","api_version":"2010-04-01","body":"Hello é 😀",
         "date_created":"Thu, 24 Aug 2023 05:01:45 +0000","date_sent":null,"date_updated":"Thu, 24 Aug 2023 05:01:46 +0000",
         "direction":"outbound-api","error_code":null,"error_message":null,"from":"+15005550006",
         "messaging_service_sid":null,"num_media":"2","num_segments":"1","price":null,"price_unit":"USD",
         "sid":"SM0123456789abcdef0123456789abcdef","status":"queued","to":"+14155552671",
         "subresource_uris":{"media":"/x"},"tags":{"a":"b"},
         "uri":"/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/SM0123456789abcdef0123456789abcdef.json"}
        """;

    internal const string CallJson = """
        {"sid":"CA0123456789abcdef0123456789abcdef","account_sid":"AC0123456789abcdef0123456789abcdef","status":"completed",
         "to":"+14155552671","from":"+15005550006","start_time":"Tue, 31 Aug 2010 20:36:29 +0000","end_time":"",
         "duration":"","price":"-0.01300","price_unit":"USD","direction":"outbound-api","answered_by":null,
         "date_created":"Tue, 31 Aug 2010 20:36:28 +0000","date_updated":"Tue, 31 Aug 2010 20:36:44 +0000","queue_time":"0"}
        """;

    internal static readonly TwilioCredentials AuthToken = TwilioCredentials.FromAuthToken(AccountSid, "secret-token");

    internal static CreateMessageOptions Sms(string to = "+14155552671", string body = "x") =>
        new(new PhoneNumber(to)) { From = new PhoneNumber("+15005550006"), Body = body };

    internal static string Page(string key, string itemJson, string? nextPageUri) =>
        $$"""{"{{key}}": [{{itemJson}}], "next_page_uri": {{(nextPageUri is null ? "null" : "\"" + nextPageUri + "\"")}}, "page": 0, "page_size": 1, "uri": "/2010-04-01/Accounts/{{AccountSid}}/x.json"}""";

    private static async Task<T> With<T>(ScriptedTwilio twilio, Func<TwilioRest, Task<T>> call, double timeoutSeconds = 5, string? baseUrl = null)
    {
        await using var services = Services(baseUrl ?? twilio.BaseUrl, timeoutSeconds: timeoutSeconds);
        return await call(services.GetRequiredService<TwilioRest>());
    }

    [Fact]
    public async Task Create_message_posts_the_sdks_form_with_repeated_media_urls_and_reads_the_resource()
    {
        await using var twilio = await StartAsync(Respond(201, MessageJson));

        var message = await With(twilio, rest => rest.CreateMessageAsync(AuthToken, new CreateMessageOptions(new PhoneNumber("+14155552671"))
        {
            From = new PhoneNumber("+15005550006"),
            Body = "Hi & bye é+",
            MediaUrl = [new Uri("https://x.example/a.png"), new Uri("https://x.example/b.png")],
            StatusCallback = new Uri("https://hooks.example.org/twilio/status?t=1"),
            ValidityPeriod = 600,
            SmartEncoded = true,
        }));

        var request = twilio.Requests.ShouldHaveSingleItem();
        request.Method.ShouldBe("POST");
        request.Uri.AbsoluteUri.ShouldBe($"{twilio.BaseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json");
        request.ContentType.ShouldBe("application/x-www-form-urlencoded");
        request.Form.ShouldBe(
        [
            new("To", "+14155552671"),
            new("StatusCallback", "https://hooks.example.org/twilio/status?t=1"),
            new("ValidityPeriod", "600"),
            new("SmartEncoded", "true"),
            new("From", "+15005550006"),
            new("Body", "Hi & bye é+"),
            new("MediaUrl", "https://x.example/a.png"),
            new("MediaUrl", "https://x.example/b.png"),
        ], ignoreOrder: true);
        request.Form.Where(p => p.Key == "MediaUrl").Select(p => p.Value).ShouldBe(["https://x.example/a.png", "https://x.example/b.png"]);
        request.Accept.ShouldBe("application/json");
        request.AcceptCharset.ShouldBe("utf-8");
        request.UserAgent.ShouldStartWith(TenantTwilioClient.UserAgent);
        request.UserAgent.ShouldContain("twilio-csharp/8.2.0");

        message.Sid.ShouldBe("SM0123456789abcdef0123456789abcdef");
        message.Status.ShouldBe(MessageResource.StatusEnum.Queued);
        message.Body.ShouldBe("Hello é 😀");
        message.NumSegments.ShouldBe("1");
        message.NumMedia.ShouldBe("2");
        message.Price.ShouldBeNull();
        message.ErrorCode.ShouldBeNull();
        message.DateSent.ShouldBeNull();
        TwilioRest.Utc(message.DateCreated).ShouldBe(new DateTimeOffset(2023, 8, 24, 5, 1, 45, TimeSpan.Zero));
    }

    [Fact]
    public async Task Create_message_through_a_messaging_service_needs_no_from()
    {
        await using var twilio = await StartAsync(Respond(201, MessageJson));

        await With(twilio, rest => rest.CreateMessageAsync(AuthToken, new CreateMessageOptions(new PhoneNumber("+14155552671"))
        {
            MessagingServiceSid = "MG0123456789abcdef0123456789abcdef",
            Body = "x",
        }));

        twilio.Requests.Single().Form.Select(p => p.Key).ShouldBe(["To", "MessagingServiceSid", "Body"], ignoreOrder: true);
    }

    [Fact]
    public async Task Create_call_posts_each_status_callback_event_as_a_repeated_key()
    {
        await using var twilio = await StartAsync(Respond(201, CallJson));

        var call = await With(twilio, rest => rest.CreateCallAsync(AuthToken, new CreateCallOptions(new PhoneNumber("+14155552671"), new PhoneNumber("+15005550006"))
        {
            Url = new Uri("https://app.example/twiml/abc"),
            Method = global::Twilio.Http.HttpMethod.Get,
            StatusCallback = new Uri("https://app.example/hooks/call"),
            StatusCallbackEvent = [.. TwilioCallEvents.All],
            StatusCallbackMethod = global::Twilio.Http.HttpMethod.Post,
            Timeout = 30,
            MachineDetection = "Enable",
        }));

        var request = twilio.Requests.ShouldHaveSingleItem();
        request.Uri.AbsolutePath.ShouldBe($"/2010-04-01/Accounts/{AccountSid}/Calls.json");
        request.Form.ShouldBe(
        [
            new("To", "+14155552671"),
            new("From", "+15005550006"),
            new("Url", "https://app.example/twiml/abc"),
            new("Method", "GET"),
            new("StatusCallback", "https://app.example/hooks/call"),
            new("StatusCallbackEvent", "initiated"),
            new("StatusCallbackEvent", "ringing"),
            new("StatusCallbackEvent", "answered"),
            new("StatusCallbackEvent", "completed"),
            new("StatusCallbackMethod", "POST"),
            new("Timeout", "30"),
            new("MachineDetection", "Enable"),
        ], ignoreOrder: true);
        call.Sid.ShouldBe("CA0123456789abcdef0123456789abcdef");
        call.Status.ShouldBe(CallResource.StatusEnum.Completed);
        call.EndTime.ShouldBeNull();
        call.Duration.ShouldBe("");
        call.Price.ShouldBe("-0.01300");
        TwilioRest.Utc(call.StartTime).ShouldBe(new DateTimeOffset(2010, 8, 31, 20, 36, 29, TimeSpan.Zero));
    }

    [Fact]
    public async Task Create_call_with_inline_twiml_sends_it_form_encoded()
    {
        await using var twilio = await StartAsync(Respond(201, CallJson));
        var twiml = new VoiceTwiml().Say("Hi & <bye>", voice: "Polly.Joanna").ToXml();

        await With(twilio, rest => rest.CreateCallAsync(AuthToken, new CreateCallOptions(new PhoneNumber("+14155552671"), new PhoneNumber("+15005550006"))
        {
            Twiml = new Twiml(twiml),
        }));

        twilio.Requests.Single().Form.ShouldBe([new("To", "+14155552671"), new("From", "+15005550006"), new("Twiml", twiml)], ignoreOrder: true);
    }

    [Theory]
    [InlineData(AccountSid, "secret-token")]
    [InlineData("SK0123456789abcdef0123456789abcdef", "key-secret")]
    public async Task Basic_auth_uses_the_given_username_and_the_account_sid_in_the_path(string username, string secret)
    {
        await using var twilio = await StartAsync(Respond(200, MessageJson));

        await With(twilio, rest => rest.FetchMessageAsync(new TwilioCredentials(AccountSid, username, secret), "SM0123456789abcdef0123456789abcdef"));

        var request = twilio.Requests.Single();
        request.Authorization.ShouldBe("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{secret}")));
        request.Uri.AbsolutePath.ShouldBe($"/2010-04-01/Accounts/{AccountSid}/Messages/SM0123456789abcdef0123456789abcdef.json");
        request.Method.ShouldBe("GET");
    }

    [Fact]
    public async Task Fetch_call_reads_the_call()
    {
        await using var twilio = await StartAsync(Respond(200, CallJson));

        var call = await With(twilio, rest => rest.FetchCallAsync(AuthToken, "CA0123456789abcdef0123456789abcdef"));

        call.Status.ToString().ShouldBe("completed");
        twilio.Requests.Single().Uri.AbsolutePath.ShouldEndWith("/Calls/CA0123456789abcdef0123456789abcdef.json");
    }

    [Fact]
    public async Task A_flat_2010_error_body_becomes_a_typed_error()
    {
        await using var twilio = await StartAsync(Respond(400,
            """{"code": 21211, "message": "Invalid 'To' Phone Number", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}"""));

        var error = await Should.ThrowAsync<TwilioApiException>(() => With(twilio, rest => rest.CreateMessageAsync(AuthToken, Sms("+1555"))));

        error.HttpStatus.ShouldBe(400);
        error.Code.ShouldBe(21211);
        error.Message.ShouldBe("Invalid 'To' Phone Number");
        error.MoreInfo.ShouldBe("https://www.twilio.com/docs/errors/21211");
        error.IsRetryable.ShouldBeFalse();
    }

    [Fact]
    public async Task An_rfc9457_problem_body_becomes_a_typed_error_with_retry_after()
    {
        await using var twilio = await StartAsync(Respond(429,
            """{"type": "https://www.twilio.com/docs/errors/20429", "title": "Too Many Requests", "status": 429, "code": 20429, "detail": "Concurrency limit reached", "instance": "/x"}""",
            r => r.Headers.RetryAfter = "120"));

        var error = await Should.ThrowAsync<TwilioApiException>(() => With(twilio, rest => rest.FetchCallAsync(AuthToken, "CA1")));

        error.HttpStatus.ShouldBe(429);
        error.Code.ShouldBe(20429);
        error.Message.ShouldBe("Concurrency limit reached");
        error.MoreInfo.ShouldBe("https://www.twilio.com/docs/errors/20429");
        error.RetryAfter.ShouldBe(TimeSpan.FromSeconds(120));
        error.IsRetryable.ShouldBeTrue();
    }

    [Fact]
    public async Task A_non_json_error_body_still_gives_a_typed_error()
    {
        await using var twilio = await StartAsync(Respond(502, "<html>Bad gateway</html>"));

        var error = await Should.ThrowAsync<TwilioApiException>(() => With(twilio, rest => rest.FetchMessageAsync(AuthToken, "SM1")));

        error.HttpStatus.ShouldBe(502);
        error.Code.ShouldBeNull();
        error.Message.ShouldContain("Bad gateway");
        error.IsRetryable.ShouldBeTrue();
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task A_5xx_answer_to_a_create_is_uncertain(int status)
    {
        await using var twilio = await StartAsync(Respond(status, """{"code": 20500, "message": "Internal Server Error"}"""));

        var error = await Should.ThrowAsync<TwilioUncertainException>(() => With(twilio, rest => rest.CreateMessageAsync(AuthToken, Sms())));

        error.HttpStatus.ShouldBe(status);
        error.Code.ShouldBe(20500);
        error.IsRetryable.ShouldBeFalse();
    }

    [Fact]
    public async Task A_5xx_with_an_empty_body_to_a_create_is_uncertain_not_the_sdks_status_0()
    {
        await using var twilio = await StartAsync(Respond(502));

        var error = await Should.ThrowAsync<TwilioUncertainException>(() => With(twilio, rest => rest.CreateMessageAsync(AuthToken, Sms())));

        error.HttpStatus.ShouldBe(502);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("<html>created</html>")]
    [InlineData("{}")]
    public async Task A_created_answer_that_cannot_be_read_is_uncertain(string body)
    {
        await using var twilio = await StartAsync(Respond(201, body));

        await Should.ThrowAsync<TwilioUncertainException>(() => With(twilio, rest => rest.CreateCallAsync(AuthToken,
            new CreateCallOptions(new PhoneNumber("+14155552671"), new PhoneNumber("+15005550006")) { Url = new Uri("https://x.example/t") })));
    }

    [Fact]
    public async Task A_read_answered_with_a_body_that_is_not_json_is_an_error()
    {
        await using var twilio = await StartAsync(Respond(200, "<html>maintenance</html>"));

        var error = await Should.ThrowAsync<TwilioApiException>(() => With(twilio, rest => rest.FetchMessageAsync(AuthToken, "SM1")));

        error.HttpStatus.ShouldBe(200);
    }

    [Fact]
    public async Task A_redirect_is_never_followed_and_makes_a_create_uncertain()
    {
        await using var twilio = await StartAsync(Respond(302, "", r => r.Headers.Location = "/elsewhere"));

        var create = await Should.ThrowAsync<TwilioUncertainException>(() => With(twilio, rest => rest.CreateMessageAsync(AuthToken, Sms())));
        var read = await Should.ThrowAsync<TwilioApiException>(() => With(twilio, rest => rest.FetchMessageAsync(AuthToken, "SM1")));

        create.HttpStatus.ShouldBe(302);
        read.HttpStatus.ShouldBe(302);
        read.IsRetryable.ShouldBeFalse();
        twilio.Requests.Select(r => r.Method).ShouldBe(["POST", "GET"], "the Location was not requested");
    }

    [Fact]
    public async Task A_refused_connection_is_a_connection_error_with_nothing_sent()
    {
        var closed = new ScriptedTwilio();

        var error = await Should.ThrowAsync<TwilioConnectionException>(() => With(closed, rest => rest.CreateMessageAsync(AuthToken, Sms())));

        error.RequestSent.ShouldBeFalse();
        error.IsRetryable.ShouldBeTrue();
        error.InnerException.ShouldBeOfType<HttpRequestException>();
    }

    [Theory]
    [InlineData("broken-off")]
    [InlineData("timeout")]
    public async Task A_create_that_fails_after_sending_is_uncertain(string failure)
    {
        await using var twilio = await StartAsync(failure == "timeout" ? Hang() : BreakOff());

        var error = await Should.ThrowAsync<TwilioUncertainException>(() =>
            With(twilio, rest => rest.CreateMessageAsync(AuthToken, Sms()), timeoutSeconds: 0.3));

        error.HttpStatus.ShouldBeNull();
        error.InnerException.ShouldNotBeNull();
        (await twilio.SettledRequestCountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task A_read_that_times_out_is_a_retryable_connection_error()
    {
        await using var twilio = await StartAsync(Hang());

        var error = await Should.ThrowAsync<TwilioConnectionException>(() => With(twilio, rest => rest.FetchCallAsync(AuthToken, "CA1"), timeoutSeconds: 0.3));

        error.RequestSent.ShouldBeTrue();
        error.IsRetryable.ShouldBeTrue();
    }

    [Fact]
    public async Task Caller_cancellation_is_honoured_and_not_wrapped()
    {
        await using var twilio = await StartAsync(Hang());
        await using var services = Services(twilio.BaseUrl);
        using var cts = new CancellationTokenSource();
        var task = services.GetRequiredService<TwilioRest>().FetchCallAsync(AuthToken, "CA1", cts.Token);
        await Eventually.GetAsync(() => Task.FromResult(twilio.Requests.Count), count => count == 1, what: "the request to arrive");

        await cts.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => task);
    }

    [Fact]
    public async Task Invalid_requests_are_refused_before_anything_is_sent()
    {
        await using var twilio = await StartAsync(Respond(201, MessageJson));
        await using var services = Services(twilio.BaseUrl);
        var rest = services.GetRequiredService<TwilioRest>();
        var to = new PhoneNumber("+14155552671");
        var from = new PhoneNumber("+15005550006");
        var url = new Uri("https://x.example/t");

        await Should.ThrowAsync<ArgumentException>(() => rest.CreateMessageAsync(AuthToken, new CreateMessageOptions(to) { Body = "no sender" }));
        await Should.ThrowAsync<ArgumentException>(() => rest.CreateMessageAsync(AuthToken, new CreateMessageOptions(to) { From = from }));
        await Should.ThrowAsync<ArgumentException>(() => rest.CreateMessageAsync(AuthToken, new CreateMessageOptions(to) { From = from, Body = new string('a', 1601) }));
        await Should.ThrowAsync<ArgumentException>(() => rest.CreateMessageAsync(AuthToken, new CreateMessageOptions(to) { From = from, Body = "x", StatusCallback = new Uri("https://my_host.example/cb") }));
        await Should.ThrowAsync<ArgumentException>(() => rest.CreateMessageAsync(AuthToken, new CreateMessageOptions(to) { From = from, Body = "x", ValidityPeriod = 0 }));
        await Should.ThrowAsync<ArgumentException>(() => rest.CreateMessageAsync(AuthToken, new CreateMessageOptions(to) { From = from, MediaUrl = [.. Enumerable.Repeat(url, 11)] }));
        await Should.ThrowAsync<ArgumentException>(() => rest.CreateCallAsync(AuthToken, new CreateCallOptions(to, from)));
        await Should.ThrowAsync<ArgumentException>(() => rest.CreateCallAsync(AuthToken, new CreateCallOptions(to, from) { Url = url, Twiml = new Twiml("<Response/>") }));
        await Should.ThrowAsync<ArgumentException>(() => rest.CreateCallAsync(AuthToken, new CreateCallOptions(to, from) { Url = url, StatusCallbackEvent = ["answerd"] }));
        await Should.ThrowAsync<ArgumentException>(() => rest.CreateCallAsync(AuthToken, new CreateCallOptions(to, from) { Url = url, Method = global::Twilio.Http.HttpMethod.Put }));
        await Should.ThrowAsync<ArgumentException>(() => rest.CreateCallAsync(AuthToken, new CreateCallOptions(to, from) { Url = url, Timeout = 601 }));
        await Should.ThrowAsync<ArgumentException>(() => rest.CreateCallAsync(AuthToken, new CreateCallOptions(to, from) { Url = url, MachineDetection = "enable" }));
        await Should.ThrowAsync<ArgumentException>(() => rest.CreateCallAsync(AuthToken, new CreateCallOptions(to, from) { Twiml = new Twiml(new string('a', 4001)) }));

        twilio.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task List_messages_sends_twilio_filter_names_and_follows_pages_up_to_the_bound()
    {
        await using var twilio = await StartAsync(
            Respond(200, Page("messages", MessageJson, $"/2010-04-01/Accounts/{AccountSid}/Messages.json?To=%2B14155552671&PageSize=1&Page=1&PageToken=PA1")),
            Respond(200, Page("messages", MessageJson, $"/2010-04-01/Accounts/{AccountSid}/Messages.json?To=%2B14155552671&PageSize=1&Page=2&PageToken=PA2")));

        var list = await With(twilio, rest => rest.ListMessagesAsync(AuthToken, new ReadMessageOptions
        {
            To = new PhoneNumber("+14155552671"),
            From = new PhoneNumber("+15005550006"),
            DateSentAfter = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            DateSentBefore = new DateTime(2024, 1, 31),
            PageSize = 1,
        }, maxPages: 2));

        list.Items.Count.ShouldBe(2);
        list.HasMore.ShouldBeTrue();
        var requests = twilio.Requests;
        requests.Count.ShouldBe(2);
        requests[0].Query.ShouldBe(
        [
            new("To", "+14155552671"),
            new("From", "+15005550006"),
            new("DateSent<", "2024-01-31T00:00:00Z"),
            new("DateSent>", "2024-01-01T00:00:00Z"),
            new("PageSize", "1"),
        ], ignoreOrder: true);
        requests[1].Uri.AbsoluteUri.ShouldBe($"{twilio.BaseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json?To=%2B14155552671&PageSize=1&Page=1&PageToken=PA1");
        requests[1].Authorization.ShouldBe(requests[0].Authorization);
    }

    [Fact]
    public async Task Dates_are_sent_in_utc_under_the_invariant_culture_whatever_the_current_culture()
    {
        await using var twilio = await StartAsync(Respond(200, Page("calls", CallJson, null)));
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("fi-FI");
        try
        {
            await With(twilio, rest => rest.ListCallsAsync(AuthToken, new ReadCallOptions
            {
                StartTimeAfter = new DateTime(2024, 2, 29, 8, 4, 5, DateTimeKind.Utc),
                StartTimeBefore = new DateTimeOffset(2024, 3, 1, 10, 4, 5, TimeSpan.Zero).LocalDateTime,
            }));

            CultureInfo.CurrentCulture.Name.ShouldBe("fi-FI", "the caller's culture is restored");
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }

        twilio.Requests.Single().Query.ShouldBe([new("StartTime<", "2024-03-01T10:04:05Z"), new("StartTime>", "2024-02-29T08:04:05Z")], ignoreOrder: true);
    }

    [Fact]
    public async Task List_calls_stops_when_there_is_no_next_page()
    {
        await using var twilio = await StartAsync(Respond(200, Page("calls", CallJson, null)));

        var list = await With(twilio, rest => rest.ListCallsAsync(AuthToken, new ReadCallOptions { To = new PhoneNumber("+14155552671") }));

        list.Items.ShouldHaveSingleItem().Sid.ShouldStartWith("CA");
        list.HasMore.ShouldBeFalse();
        twilio.Requests.Single().Query.ShouldBe([new("To", "+14155552671")]);
    }

    [Fact]
    public async Task A_next_page_on_another_host_is_not_followed_with_credentials()
    {
        await using var twilio = await StartAsync(Respond(200, """
            {"calls": [], "next_page_uri": "https://evil.example/2010-04-01/Accounts/AC1/Calls.json?Page=1", "page": 0, "page_size": 1, "uri": "/x"}
            """));

        var list = await With(twilio, rest => rest.ListCallsAsync(AuthToken));

        twilio.Requests.Count.ShouldBe(1);
        list.HasMore.ShouldBeTrue();
    }

    [Fact]
    public async Task A_base_url_with_a_path_prefix_is_kept_for_every_request()
    {
        await using var twilio = await StartAsync(
            Respond(200, Page("messages", MessageJson, $"/2010-04-01/Accounts/{AccountSid}/Messages.json?Page=1")),
            Respond(200, Page("messages", MessageJson, $"/sim/2010-04-01/Accounts/{AccountSid}/Messages.json?Page=2")),
            Respond(200, Page("messages", MessageJson, null)));

        await With(twilio, rest => rest.ListMessagesAsync(AuthToken), baseUrl: twilio.BaseUrl + "/sim/");

        twilio.Requests.Select(r => r.Uri.AbsoluteUri).ShouldBe(
        [
            $"{twilio.BaseUrl}/sim/2010-04-01/Accounts/{AccountSid}/Messages.json",
            $"{twilio.BaseUrl}/sim/2010-04-01/Accounts/{AccountSid}/Messages.json?Page=1",
            $"{twilio.BaseUrl}/sim/2010-04-01/Accounts/{AccountSid}/Messages.json?Page=2",
        ]);
    }

    [Fact]
    public async Task A_request_for_another_twilio_host_is_refused_before_anything_is_sent()
    {
        await using var twilio = await StartAsync(Respond(200, "{}"));
        await using var services = Services(twilio.BaseUrl);
        var client = services.GetRequiredService<TwilioRest>().For(AuthToken);

        await Should.ThrowAsync<InvalidOperationException>(() =>
            global::Twilio.Rest.Messaging.V1.ServiceResource.FetchAsync("MG0123456789abcdef0123456789abcdef", client));

        twilio.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_sdks_blocking_calls_are_refused()
    {
        await using var twilio = await StartAsync(Respond(200, MessageJson));
        await using var services = Services(twilio.BaseUrl);
        var client = services.GetRequiredService<TwilioRest>().For(AuthToken);

        Should.Throw<NotSupportedException>(() => MessageResource.Fetch("SM0123456789abcdef0123456789abcdef", client: client));

        twilio.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_sdks_global_client_is_never_set_up_so_a_forgotten_client_fails_closed()
    {
        await Should.ThrowAsync<global::Twilio.Exceptions.AuthenticationException>(() => MessageResource.FetchAsync("SM0123456789abcdef0123456789abcdef"));
    }

    [Fact]
    public void Credentials_never_print_their_secret()
    {
        AuthToken.ToString().ShouldNotContain("secret-token");
        AuthToken.ToString().ShouldContain(AccountSid);
    }
}

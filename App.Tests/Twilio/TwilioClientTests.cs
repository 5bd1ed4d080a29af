using System.Net;
using System.Net.Sockets;
using System.Text;
using App.Twilio;
using Polly.Timeout;
using Shouldly;
using Xunit;

namespace App.Tests.Twilio;

public class TwilioClientTests
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

    private static readonly TwilioCredentials AuthToken = TwilioCredentials.FromAuthToken(AccountSid, "secret-token");

    internal static TwilioClient Client(FakeTwilioHandler handler, string baseUrl = "https://api.twilio.com") =>
        new(new HttpClient(handler) { BaseAddress = new Uri(baseUrl) });

    [Fact]
    public async Task Create_message_posts_the_exact_form_with_repeated_media_urls()
    {
        var handler = new FakeTwilioHandler(FakeTwilioHandler.Respond(HttpStatusCode.Created, MessageJson));

        var message = await Client(handler).CreateMessageAsync(AuthToken, new CreateMessageRequest(
            To: "+14155552671",
            From: "+15005550006",
            Body: "Hi & bye é+",
            MediaUrls: ["https://x.example/a.png", "https://x.example/b.png"],
            StatusCallback: "https://hooks.example.org/twilio/status?t=1",
            ValidityPeriod: 600,
            SmartEncoded: true));

        var request = handler.Requests.ShouldHaveSingleItem();
        request.Method.ShouldBe(HttpMethod.Post);
        request.Uri.AbsoluteUri.ShouldBe($"https://api.twilio.com/2010-04-01/Accounts/{AccountSid}/Messages.json");
        request.ContentType.ShouldBe("application/x-www-form-urlencoded");
        request.Form.ShouldBe(
        [
            new("To", "+14155552671"),
            new("From", "+15005550006"),
            new("Body", "Hi & bye é+"),
            new("MediaUrl", "https://x.example/a.png"),
            new("MediaUrl", "https://x.example/b.png"),
            new("StatusCallback", "https://hooks.example.org/twilio/status?t=1"),
            new("ValidityPeriod", "600"),
            new("SmartEncoded", "true"),
        ]);
        request.Accept.ShouldBe("application/json");
        request.AcceptCharset.ShouldBe("utf-8");
        request.UserAgent.ShouldBe("switchboard/1.0");

        message.Sid.ShouldBe("SM0123456789abcdef0123456789abcdef");
        message.Status.ShouldBe("queued");
        message.Body.ShouldBe("Hello é 😀");
        message.NumSegments.ShouldBe("1");
        message.NumSegmentsValue.ShouldBe(1);
        message.NumMediaValue.ShouldBe(2);
        message.Price.ShouldBeNull();
        message.ErrorCode.ShouldBeNull();
        message.DateSent.ShouldBeNull();
        message.DateCreated.ShouldBe(new DateTimeOffset(2023, 8, 24, 5, 1, 45, TimeSpan.Zero));
    }

    [Fact]
    public async Task Create_message_through_a_messaging_service_needs_no_from()
    {
        var handler = new FakeTwilioHandler(FakeTwilioHandler.Respond(HttpStatusCode.Created, MessageJson));

        await Client(handler).CreateMessageAsync(AuthToken, new CreateMessageRequest("+14155552671", MessagingServiceSid: "MG0123456789abcdef0123456789abcdef", Body: "x"));

        handler.Requests.Single().Form.Select(p => p.Key).ShouldBe(["To", "MessagingServiceSid", "Body"]);
    }

    [Fact]
    public async Task Create_call_posts_each_status_callback_event_as_a_repeated_key()
    {
        var handler = new FakeTwilioHandler(FakeTwilioHandler.Respond(HttpStatusCode.Created, CallJson));

        var call = await Client(handler).CreateCallAsync(AuthToken, new CreateCallRequest(
            To: "+14155552671",
            From: "+15005550006",
            Url: "https://app.example/twiml/abc",
            Method: "GET",
            StatusCallback: "https://app.example/hooks/call",
            StatusCallbackEvents: [TwilioCallEvents.Initiated, TwilioCallEvents.Ringing, TwilioCallEvents.Answered, TwilioCallEvents.Completed],
            StatusCallbackMethod: "POST",
            Timeout: 30,
            MachineDetection: "Enable"));

        var request = handler.Requests.ShouldHaveSingleItem();
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
        ]);
        call.Sid.ShouldBe("CA0123456789abcdef0123456789abcdef");
        call.EndTime.ShouldBeNull();
        call.Duration.ShouldBe("");
        call.DurationValue.ShouldBeNull();
        call.PriceValue.ShouldBe(-0.013m);
        call.StartTime.ShouldBe(new DateTimeOffset(2010, 8, 31, 20, 36, 29, TimeSpan.Zero));
    }

    [Fact]
    public async Task Create_call_with_inline_twiml_sends_it_form_encoded()
    {
        var handler = new FakeTwilioHandler(FakeTwilioHandler.Respond(HttpStatusCode.Created, CallJson));
        var twiml = new VoiceTwiml().Say("Hi & <bye>", voice: "Polly.Joanna").ToXml();

        await Client(handler).CreateCallAsync(AuthToken, new CreateCallRequest("+14155552671", "+15005550006", Twiml: twiml));

        handler.Requests.Single().Form.ShouldBe([new("To", "+14155552671"), new("From", "+15005550006"), new("Twiml", twiml)]);
    }

    [Theory]
    [InlineData(AccountSid, "secret-token")]
    [InlineData("SK0123456789abcdef0123456789abcdef", "key-secret")]
    public async Task Basic_auth_uses_the_given_username_and_the_account_sid_in_the_path(string username, string secret)
    {
        var handler = new FakeTwilioHandler(FakeTwilioHandler.Respond(HttpStatusCode.OK, MessageJson));

        await Client(handler).FetchMessageAsync(new TwilioCredentials(AccountSid, username, secret), "SM0123456789abcdef0123456789abcdef");

        var request = handler.Requests.Single();
        request.Authorization.ShouldBe("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{secret}")));
        request.Uri.AbsolutePath.ShouldBe($"/2010-04-01/Accounts/{AccountSid}/Messages/SM0123456789abcdef0123456789abcdef.json");
        request.Method.ShouldBe(HttpMethod.Get);
    }

    [Fact]
    public async Task Fetch_call_reads_the_call()
    {
        var handler = new FakeTwilioHandler(FakeTwilioHandler.Respond(HttpStatusCode.OK, CallJson));

        var call = await Client(handler).FetchCallAsync(AuthToken, "CA0123456789abcdef0123456789abcdef");

        call.Status.ShouldBe("completed");
        handler.Requests.Single().Uri.AbsolutePath.ShouldEndWith("/Calls/CA0123456789abcdef0123456789abcdef.json");
    }

    [Fact]
    public async Task A_flat_2010_error_body_becomes_a_typed_error()
    {
        var handler = new FakeTwilioHandler(FakeTwilioHandler.Respond(HttpStatusCode.BadRequest,
            """{"code": 21211, "message": "Invalid 'To' Phone Number", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}"""));

        var error = await Should.ThrowAsync<TwilioApiException>(() =>
            Client(handler).CreateMessageAsync(AuthToken, new CreateMessageRequest("+1555", "+15005550006", Body: "x")));

        error.HttpStatus.ShouldBe(400);
        error.Code.ShouldBe(21211);
        error.Message.ShouldBe("Invalid 'To' Phone Number");
        error.MoreInfo.ShouldBe("https://www.twilio.com/docs/errors/21211");
        error.IsRetryable.ShouldBeFalse();
    }

    [Fact]
    public async Task An_rfc9457_problem_body_becomes_a_typed_error()
    {
        var handler = new FakeTwilioHandler(FakeTwilioHandler.Respond((HttpStatusCode)429,
            """{"type": "https://www.twilio.com/docs/errors/20429", "title": "Too Many Requests", "status": 429, "code": 20429, "detail": "Concurrency limit reached", "instance": "/x"}""",
            r => r.Headers.Add("Retry-After", "120")));

        var error = await Should.ThrowAsync<TwilioApiException>(() => Client(handler).FetchCallAsync(AuthToken, "CA1"));

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
        var handler = new FakeTwilioHandler(FakeTwilioHandler.Respond(HttpStatusCode.BadGateway, "<html>Bad gateway</html>"));

        var error = await Should.ThrowAsync<TwilioApiException>(() => Client(handler).FetchMessageAsync(AuthToken, "SM1"));

        error.HttpStatus.ShouldBe(502);
        error.Code.ShouldBeNull();
        error.Message.ShouldContain("Bad gateway");
        error.IsRetryable.ShouldBeTrue();
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task A_5xx_answer_to_a_create_is_uncertain(HttpStatusCode status)
    {
        var handler = new FakeTwilioHandler(FakeTwilioHandler.Respond(status, """{"code": 20500, "message": "Internal Server Error"}"""));

        var error = await Should.ThrowAsync<TwilioUncertainException>(() =>
            Client(handler).CreateMessageAsync(AuthToken, new CreateMessageRequest("+14155552671", "+15005550006", Body: "x")));

        error.HttpStatus.ShouldBe((int)status);
        error.Code.ShouldBe(20500);
        error.IsRetryable.ShouldBeFalse();
    }

    [Fact]
    public async Task A_created_answer_that_cannot_be_read_is_uncertain()
    {
        var handler = new FakeTwilioHandler(FakeTwilioHandler.Respond(HttpStatusCode.Created, "{not json"));

        await Should.ThrowAsync<TwilioUncertainException>(() =>
            Client(handler).CreateCallAsync(AuthToken, new CreateCallRequest("+14155552671", "+15005550006", Url: "https://x.example/t")));
    }

    [Fact]
    public async Task A_refused_connection_is_a_connection_error_with_nothing_sent()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused));
        var handler = new FakeTwilioHandler(FakeTwilioHandler.Throw(refused));

        var error = await Should.ThrowAsync<TwilioConnectionException>(() =>
            Client(handler).CreateMessageAsync(AuthToken, new CreateMessageRequest("+14155552671", "+15005550006", Body: "x")));

        error.RequestSent.ShouldBeFalse();
        error.IsRetryable.ShouldBeTrue();
        error.InnerException.ShouldBeSameAs(refused);
    }

    [Theory]
    [InlineData("response-ended")]
    [InlineData("timeout")]
    [InlineData("io")]
    public async Task A_create_that_fails_after_sending_is_uncertain(string failure)
    {
        Exception exception = failure switch
        {
            "response-ended" => new HttpRequestException(HttpRequestError.ResponseEnded, "ended"),
            "timeout" => new TimeoutRejectedException(),
            _ => new IOException("reset"),
        };
        var handler = new FakeTwilioHandler(FakeTwilioHandler.Throw(exception));

        var error = await Should.ThrowAsync<TwilioUncertainException>(() =>
            Client(handler).CreateMessageAsync(AuthToken, new CreateMessageRequest("+14155552671", "+15005550006", Body: "x")));

        error.HttpStatus.ShouldBeNull();
        error.InnerException.ShouldBeSameAs(exception);
    }

    [Fact]
    public async Task A_read_that_times_out_is_a_retryable_connection_error()
    {
        var handler = new FakeTwilioHandler(FakeTwilioHandler.Throw(new TimeoutRejectedException()));

        var error = await Should.ThrowAsync<TwilioConnectionException>(() => Client(handler).FetchCallAsync(AuthToken, "CA1"));

        error.RequestSent.ShouldBeTrue();
        error.IsRetryable.ShouldBeTrue();
    }

    [Fact]
    public async Task Caller_cancellation_is_not_wrapped()
    {
        using var cts = new CancellationTokenSource();
        var handler = new FakeTwilioHandler(FakeTwilioHandler.Hang());
        var task = Client(handler).FetchCallAsync(AuthToken, "CA1", cts.Token);

        await cts.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => task);
    }

    [Fact]
    public async Task Invalid_requests_are_refused_before_anything_is_sent()
    {
        var handler = new FakeTwilioHandler(FakeTwilioHandler.Respond(HttpStatusCode.Created, MessageJson));
        var client = Client(handler);

        await Should.ThrowAsync<ArgumentException>(() => client.CreateMessageAsync(AuthToken, new CreateMessageRequest("+1", Body: "no sender")));
        await Should.ThrowAsync<ArgumentException>(() => client.CreateMessageAsync(AuthToken, new CreateMessageRequest("+1", "+2")));
        await Should.ThrowAsync<ArgumentException>(() => client.CreateMessageAsync(AuthToken, new CreateMessageRequest("+1", "+2", Body: new string('a', 1601))));
        await Should.ThrowAsync<ArgumentException>(() => client.CreateMessageAsync(AuthToken, new CreateMessageRequest("+1", "+2", Body: "x", StatusCallback: "https://my_host.example/cb")));
        await Should.ThrowAsync<ArgumentException>(() => client.CreateMessageAsync(AuthToken, new CreateMessageRequest("+1", "+2", Body: "x", ValidityPeriod: 0)));
        await Should.ThrowAsync<ArgumentException>(() => client.CreateCallAsync(AuthToken, new CreateCallRequest("+1", "+2")));
        await Should.ThrowAsync<ArgumentException>(() => client.CreateCallAsync(AuthToken, new CreateCallRequest("+1", "+2", Url: "https://x/t", Twiml: "<Response/>")));
        await Should.ThrowAsync<ArgumentException>(() => client.CreateCallAsync(AuthToken, new CreateCallRequest("+1", "+2", Url: "https://x/t", StatusCallbackEvents: ["answerd"])));
        await Should.ThrowAsync<ArgumentException>(() => client.CreateCallAsync(AuthToken, new CreateCallRequest("+1", "+2", Url: "https://x/t", Method: "PUT")));
        await Should.ThrowAsync<ArgumentException>(() => client.CreateCallAsync(AuthToken, new CreateCallRequest("+1", "+2", Url: "https://x/t", Timeout: 601)));
        await Should.ThrowAsync<ArgumentException>(() => client.CreateCallAsync(AuthToken, new CreateCallRequest("+1", "+2", Url: "https://x/t", MachineDetection: "enable")));

        handler.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task List_messages_sends_twilio_filter_names_and_follows_pages_up_to_the_bound()
    {
        var page0 = Page("messages", MessageJson, $"/2010-04-01/Accounts/{AccountSid}/Messages.json?To=%2B14155552671&PageSize=1&Page=1&PageToken=PA1");
        var page1 = Page("messages", MessageJson, $"/2010-04-01/Accounts/{AccountSid}/Messages.json?To=%2B14155552671&PageSize=1&Page=2&PageToken=PA2");
        var handler = new FakeTwilioHandler(FakeTwilioHandler.Respond(HttpStatusCode.OK, page0), FakeTwilioHandler.Respond(HttpStatusCode.OK, page1));

        var list = await Client(handler).ListMessagesAsync(AuthToken, new MessageListFilter(
            To: "+14155552671", From: "+15005550006", DateSentOnOrAfter: new DateOnly(2024, 1, 1), DateSentOnOrBefore: new DateOnly(2024, 1, 31), PageSize: 1),
            maxPages: 2);

        list.Items.Count.ShouldBe(2);
        list.HasMore.ShouldBeTrue();
        var requests = handler.Requests;
        requests.Count.ShouldBe(2);
        requests[0].Uri.Query.ShouldBe("?To=%2B14155552671&From=%2B15005550006&DateSent%3E=2024-01-01&DateSent%3C=2024-01-31&PageSize=1");
        requests[0].Query.ShouldBe(
        [
            new("To", "+14155552671"),
            new("From", "+15005550006"),
            new("DateSent>", "2024-01-01"),
            new("DateSent<", "2024-01-31"),
            new("PageSize", "1"),
        ]);
        requests[1].Uri.AbsoluteUri.ShouldBe($"https://api.twilio.com/2010-04-01/Accounts/{AccountSid}/Messages.json?To=%2B14155552671&PageSize=1&Page=1&PageToken=PA1");
        requests[1].Authorization.ShouldBe(requests[0].Authorization);
    }

    [Fact]
    public async Task List_calls_stops_when_there_is_no_next_page()
    {
        var handler = new FakeTwilioHandler(FakeTwilioHandler.Respond(HttpStatusCode.OK, Page("calls", CallJson, null)));

        var list = await Client(handler).ListCallsAsync(AuthToken, new CallListFilter(To: "+14155552671", StartTimeOnOrAfter: new DateOnly(2024, 2, 29)));

        list.Items.ShouldHaveSingleItem().Sid.ShouldStartWith("CA");
        list.HasMore.ShouldBeFalse();
        handler.Requests.Single().Query.ShouldBe([new("To", "+14155552671"), new("StartTime>", "2024-02-29")]);
    }

    [Fact]
    public async Task A_next_page_on_another_host_is_not_followed_with_credentials()
    {
        var handler = new FakeTwilioHandler(FakeTwilioHandler.Respond(HttpStatusCode.OK, Page("calls", CallJson, "https://evil.example/2010-04-01/Accounts/AC1/Calls.json?Page=1")));

        var list = await Client(handler).ListCallsAsync(AuthToken);

        handler.Requests.Count.ShouldBe(1);
        list.HasMore.ShouldBeTrue();
    }

    [Fact]
    public async Task A_base_url_with_a_path_prefix_is_kept_for_every_request()
    {
        var handler = new FakeTwilioHandler(
            FakeTwilioHandler.Respond(HttpStatusCode.OK, Page("messages", MessageJson, $"/2010-04-01/Accounts/{AccountSid}/Messages.json?Page=1")),
            FakeTwilioHandler.Respond(HttpStatusCode.OK, Page("messages", MessageJson, $"/sim/2010-04-01/Accounts/{AccountSid}/Messages.json?Page=2")),
            FakeTwilioHandler.Respond(HttpStatusCode.OK, Page("messages", MessageJson, null)));

        await Client(handler, "http://127.0.0.1:5000/sim/").ListMessagesAsync(AuthToken);

        handler.Requests.Select(r => r.Uri.AbsoluteUri).ShouldBe(
        [
            $"http://127.0.0.1:5000/sim/2010-04-01/Accounts/{AccountSid}/Messages.json",
            $"http://127.0.0.1:5000/sim/2010-04-01/Accounts/{AccountSid}/Messages.json?Page=1",
            $"http://127.0.0.1:5000/sim/2010-04-01/Accounts/{AccountSid}/Messages.json?Page=2",
        ]);
    }

    [Fact]
    public void Credentials_never_print_their_secret()
    {
        AuthToken.ToString().ShouldNotContain("secret-token");
        AuthToken.ToString().ShouldContain(AccountSid);
    }

    [Fact]
    public void Rfc2822_dates_parse_and_format_as_twilio_writes_them()
    {
        var date = Rfc2822DateConverter.Parse("Thu, 24 Aug 2023 05:01:45 +0000");

        date.ShouldBe(new DateTimeOffset(2023, 8, 24, 5, 1, 45, TimeSpan.Zero));
        Rfc2822DateConverter.Format(date).ShouldBe("Thu, 24 Aug 2023 05:01:45 +0000");
        Rfc2822DateConverter.Format(new DateTimeOffset(2023, 8, 24, 7, 1, 45, TimeSpan.FromHours(2))).ShouldBe("Thu, 24 Aug 2023 05:01:45 +0000");
        Rfc2822DateConverter.Parse("Mon, 1 Jan 2024 00:00:00 -0500").ShouldBe(new DateTimeOffset(2024, 1, 1, 5, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Resources_serialize_back_in_twilio_shape()
    {
        var message = System.Text.Json.JsonSerializer.Deserialize<TwilioMessage>(MessageJson)!;

        var json = System.Text.Json.JsonSerializer.Serialize(message);

        json.ShouldContain("\"date_created\":\"Thu, 24 Aug 2023 05:01:45 \\u002B0000\"");
        json.ShouldContain("\"date_sent\":null");
        json.ShouldContain("\"num_segments\":\"1\"");
        json.ShouldNotContain("NumSegmentsValue");
    }

    internal static string Page(string key, string itemJson, string? nextPageUri) =>
        $$"""{"{{key}}": [{{itemJson}}], "next_page_uri": {{(nextPageUri is null ? "null" : "\"" + nextPageUri + "\"")}}, "page": 0, "page_size": 1}""";
}

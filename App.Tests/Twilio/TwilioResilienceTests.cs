using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using App.Twilio;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static App.Tests.Twilio.ScriptedTwilio;

namespace App.Tests.Twilio;

/// <summary>
/// <see cref="TwilioRest"/> behind the real resilience pipeline registered by
/// <see cref="TwilioServiceCollectionExtensions.AddTwilioRest"/>, against a scripted Twilio on a real socket.
/// </summary>
public class TwilioResilienceTests
{
    private static readonly TwilioCredentials Credentials = TwilioCredentials.FromAuthToken(TwilioRestTests.AccountSid, "token");

    private static async Task<T> With<T>(ScriptedTwilio twilio, Func<TwilioRest, Task<T>> call, int maxRetries = 3, double timeoutSeconds = 5, int retryBaseDelayMs = 1)
    {
        await using var services = Services(twilio.BaseUrl, maxRetries, timeoutSeconds, retryBaseDelayMs);
        return await call(services.GetRequiredService<TwilioRest>());
    }

    [Fact]
    public async Task A_429_then_201_creates_one_message_in_exactly_two_requests_with_the_same_form()
    {
        await using var twilio = await StartAsync(
            Respond(429, """{"code":20429,"message":"Too Many Requests","status":429}"""),
            Respond(201, TwilioRestTests.MessageJson));

        var message = await With(twilio, rest => rest.CreateMessageAsync(Credentials, TwilioRestTests.Sms(body: "Hello")));

        message.Sid.ShouldStartWith("SM");
        twilio.Requests.Count.ShouldBe(2);
        twilio.Requests[1].Body.ShouldBe(twilio.Requests[0].Body);
        twilio.Requests[1].Authorization.ShouldBe(twilio.Requests[0].Authorization);
        twilio.Requests[0].Form.ShouldBe([new("To", "+14155552671"), new("From", "+15005550006"), new("Body", "Hello")], ignoreOrder: true);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task A_post_answered_5xx_is_uncertain_and_never_resent(int status)
    {
        await using var twilio = await StartAsync(Respond(status), Respond(201, TwilioRestTests.MessageJson));

        await Should.ThrowAsync<TwilioUncertainException>(() => With(twilio, rest => rest.CreateMessageAsync(Credentials, TwilioRestTests.Sms())));

        twilio.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_post_that_times_out_is_uncertain_and_never_resent()
    {
        await using var twilio = await StartAsync(Hang(), Respond(201, TwilioRestTests.MessageJson));

        var error = await Should.ThrowAsync<TwilioUncertainException>(() =>
            With(twilio, rest => rest.CreateMessageAsync(Credentials, TwilioRestTests.Sms()), timeoutSeconds: 0.2));

        error.HttpStatus.ShouldBeNull();
        (await twilio.SettledRequestCountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task A_post_whose_response_broke_off_is_not_resent()
    {
        await using var twilio = await StartAsync(BreakOff(), Respond(201, TwilioRestTests.MessageJson));

        await Should.ThrowAsync<TwilioUncertainException>(() => With(twilio, rest => rest.CreateMessageAsync(Credentials, TwilioRestTests.Sms())));

        twilio.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_get_answered_503_is_retried()
    {
        await using var twilio = await StartAsync(Respond(503), Respond(200, TwilioRestTests.CallJson));

        var call = await With(twilio, rest => rest.FetchCallAsync(Credentials, "CA0123456789abcdef0123456789abcdef"));

        call.Status.ToString().ShouldBe("completed");
        twilio.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_get_that_times_out_or_breaks_off_is_retried()
    {
        await using var twilio = await StartAsync(Hang(), BreakOff(), Respond(200, TwilioRestTests.CallJson));

        await With(twilio, rest => rest.FetchCallAsync(Credentials, "CA1"), timeoutSeconds: 0.5);

        twilio.Requests.Count.ShouldBe(3);
    }

    [Fact]
    public async Task A_refused_connection_is_retried_even_for_a_post()
    {
        // Nothing listens on the port until after the first attempt: it is refused, then the retry gets through.
        await using var twilio = new ScriptedTwilio(Respond(201, TwilioRestTests.MessageJson));
        await using var services = Services(twilio.BaseUrl, maxRetries: 5, retryBaseDelayMs: 300);
        var send = services.GetRequiredService<TwilioRest>().CreateMessageAsync(Credentials, TwilioRestTests.Sms());
        await Task.Delay(100);
        await twilio.StartAsync();

        (await send).Sid.ShouldStartWith("SM");
        twilio.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_post_client_error_is_not_retried()
    {
        await using var twilio = await StartAsync(Respond(400, """{"code":21610,"message":"Attempt to send to unsubscribed recipient"}"""));

        var error = await Should.ThrowAsync<TwilioApiException>(() => With(twilio, rest => rest.CreateMessageAsync(Credentials, TwilioRestTests.Sms())));

        error.Code.ShouldBe(21610);
        twilio.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Persistent_429_gives_up_after_max_retries()
    {
        await using var twilio = await StartAsync(Respond(429, """{"code":20429,"message":"Too Many Requests"}"""));

        var error = await Should.ThrowAsync<TwilioApiException>(() => With(twilio, rest => rest.CreateMessageAsync(Credentials, TwilioRestTests.Sms()), maxRetries: 2));

        error.HttpStatus.ShouldBe(429);
        error.IsRetryable.ShouldBeTrue();
        twilio.Requests.Count.ShouldBe(3);
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_cap_is_returned_to_the_caller_instead_of_waited()
    {
        await using var twilio = await StartAsync(Respond(429, "{}", r => r.Headers.RetryAfter = "3600"));

        var error = await Should.ThrowAsync<TwilioApiException>(() => With(twilio, rest => rest.CreateMessageAsync(Credentials, TwilioRestTests.Sms())));

        error.RetryAfter.ShouldBe(TimeSpan.FromHours(1));
        twilio.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Retry_after_is_honoured()
    {
        await using var twilio = await StartAsync(Respond(429, "{}", r => r.Headers.RetryAfter = "1"), Respond(201, TwilioRestTests.MessageJson));
        var clock = Stopwatch.StartNew();

        await With(twilio, rest => rest.CreateMessageAsync(Credentials, TwilioRestTests.Sms()));

        clock.Elapsed.ShouldBeGreaterThan(TimeSpan.FromMilliseconds(900));
        twilio.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task With_zero_retries_nothing_is_retried()
    {
        await using var twilio = await StartAsync(Respond(503), Respond(200, TwilioRestTests.CallJson));

        await Should.ThrowAsync<TwilioApiException>(() => With(twilio, rest => rest.FetchCallAsync(Credentials, "CA1"), maxRetries: 0));

        twilio.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Over_real_sockets_a_closed_port_is_a_connection_error_with_nothing_sent()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var services = Services($"http://127.0.0.1:{port}", maxRetries: 1);

        var error = await Should.ThrowAsync<TwilioConnectionException>(() =>
            services.GetRequiredService<TwilioRest>().CreateMessageAsync(Credentials, TwilioRestTests.Sms()));

        error.RequestSent.ShouldBeFalse();
    }

    [Fact]
    public async Task The_http_client_timeout_leaves_room_for_every_attempt_and_back_off()
    {
        await using var services = Services("https://api.twilio.com", maxRetries: 3, timeoutSeconds: 15);
        var options = services.GetRequiredService<IOptions<TwilioRestOptions>>().Value;
        using var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(TwilioRest));

        http.BaseAddress.ShouldBe(new Uri("https://api.twilio.com"));
        http.Timeout.ShouldBe(options.OverallTimeout);
        http.Timeout.ShouldBeGreaterThan(TimeSpan.FromSeconds(15 * 4) + TwilioRetryPolicy.MaxRetryDelay * 3);
    }

    [Fact]
    public void Defaults_match_the_documented_configuration()
    {
        var options = new TwilioRestOptions();

        options.ApiBaseUrl.ShouldBe("https://api.twilio.com");
        options.MaxRetries.ShouldBe(3);
        options.TimeoutSeconds.ShouldBe(15);
        options.RetryBaseDelayMs.ShouldBe(500);
    }

    [Fact]
    public async Task Invalid_configuration_is_rejected()
    {
        await using var services = Services("not a url");

        Should.Throw<OptionsValidationException>(() => services.GetRequiredService<TwilioRest>());
    }

    [Theory]
    [InlineData("GET", 503, true)]
    [InlineData("GET", 500, true)]
    [InlineData("GET", 408, true)]
    [InlineData("GET", 429, true)]
    [InlineData("GET", 404, false)]
    [InlineData("POST", 429, true)]
    [InlineData("POST", 500, false)]
    [InlineData("POST", 503, false)]
    [InlineData("POST", 408, false)]
    [InlineData("POST", 400, false)]
    [InlineData("POST", 201, false)]
    public void Retry_decisions_by_status(string method, int status, bool retry)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);

        TwilioRetryPolicy.ShouldRetry(new HttpMethod(method), response, null).ShouldBe(retry);
    }

    [Fact]
    public void Retry_decisions_by_exception()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "x");
        var socketRefused = new HttpRequestException("x", new SocketException((int)SocketError.ConnectionRefused));
        var ended = new HttpRequestException(HttpRequestError.ResponseEnded, "x");
        var timeout = new Polly.Timeout.TimeoutRejectedException();

        TwilioRetryPolicy.ShouldRetry(HttpMethod.Post, null, refused).ShouldBeTrue();
        TwilioRetryPolicy.ShouldRetry(HttpMethod.Post, null, socketRefused).ShouldBeTrue();
        TwilioRetryPolicy.ShouldRetry(HttpMethod.Post, null, ended).ShouldBeFalse();
        TwilioRetryPolicy.ShouldRetry(HttpMethod.Post, null, timeout).ShouldBeFalse();
        TwilioRetryPolicy.ShouldRetry(HttpMethod.Get, null, ended).ShouldBeTrue();
        TwilioRetryPolicy.ShouldRetry(HttpMethod.Get, null, timeout).ShouldBeTrue();
        TwilioRetryPolicy.ShouldRetry(HttpMethod.Get, null, new OperationCanceledException()).ShouldBeFalse();
    }
}

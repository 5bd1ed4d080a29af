using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using App.Twilio;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Shouldly;
using Xunit;

namespace App.Tests.Twilio;

/// <summary>The client behind the real resilience pipeline registered by <see cref="TwilioServiceCollectionExtensions.AddTwilioClient"/>.</summary>
public class TwilioResilienceTests
{
    private static readonly TwilioCredentials Credentials = TwilioCredentials.FromAuthToken(TwilioClientTests.AccountSid, "token");
    private static readonly CreateMessageRequest Sms = new("+14155552671", "+15005550006", Body: "Hello");

    private static ServiceProvider Services(FakeTwilioHandler? handler, string baseUrl = "https://api.twilio.com", int maxRetries = 3, double timeoutSeconds = 5)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Twilio:ApiBaseUrl"] = baseUrl,
            ["Twilio:MaxRetries"] = maxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Twilio:TimeoutSeconds"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Twilio:RetryBaseDelayMs"] = "1",
        }).Build();
        var services = new ServiceCollection();
        var builder = services.AddTwilioClient(configuration);
        if (handler is not null)
        {
            builder.ConfigurePrimaryHttpMessageHandler(() => handler);
        }

        return services.BuildServiceProvider();
    }

    private static TwilioClient Client(FakeTwilioHandler handler, int maxRetries = 3, double timeoutSeconds = 5) =>
        Services(handler, maxRetries: maxRetries, timeoutSeconds: timeoutSeconds).GetRequiredService<TwilioClient>();

    private static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Status(HttpStatusCode status, string body = "{}") =>
        FakeTwilioHandler.Respond(status, body);

    [Fact]
    public async Task A_429_then_201_creates_one_message_in_exactly_two_requests()
    {
        var handler = new FakeTwilioHandler(
            Status((HttpStatusCode)429, """{"code":20429,"message":"Too Many Requests","status":429}"""),
            Status(HttpStatusCode.Created, TwilioClientTests.MessageJson));

        var message = await Client(handler).CreateMessageAsync(Credentials, Sms);

        message.Sid.ShouldStartWith("SM");
        handler.Requests.Count.ShouldBe(2);
        handler.Requests[1].Body.ShouldBe(handler.Requests[0].Body);
        handler.Requests[1].Authorization.ShouldBe(handler.Requests[0].Authorization);
    }

    [Fact]
    public async Task A_post_answered_500_is_uncertain_and_never_resent()
    {
        var handler = new FakeTwilioHandler(Status(HttpStatusCode.InternalServerError), Status(HttpStatusCode.Created, TwilioClientTests.MessageJson));

        await Should.ThrowAsync<TwilioUncertainException>(() => Client(handler).CreateMessageAsync(Credentials, Sms));

        handler.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_post_that_times_out_is_uncertain_and_never_resent()
    {
        var handler = new FakeTwilioHandler(FakeTwilioHandler.Hang(), Status(HttpStatusCode.Created, TwilioClientTests.MessageJson));

        var error = await Should.ThrowAsync<TwilioUncertainException>(() => Client(handler, timeoutSeconds: 0.2).CreateMessageAsync(Credentials, Sms));

        error.HttpStatus.ShouldBeNull();
        handler.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_get_answered_503_is_retried()
    {
        var handler = new FakeTwilioHandler(Status(HttpStatusCode.ServiceUnavailable), Status(HttpStatusCode.OK, TwilioClientTests.CallJson));

        var call = await Client(handler).FetchCallAsync(Credentials, "CA0123456789abcdef0123456789abcdef");

        call.Status.ShouldBe("completed");
        handler.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_get_that_times_out_is_retried()
    {
        var handler = new FakeTwilioHandler(FakeTwilioHandler.Hang(), Status(HttpStatusCode.OK, TwilioClientTests.CallJson));

        await Client(handler, timeoutSeconds: 0.2).FetchCallAsync(Credentials, "CA1");

        handler.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_refused_connection_is_retried_even_for_a_post()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused));
        var handler = new FakeTwilioHandler(FakeTwilioHandler.Throw(refused), Status(HttpStatusCode.Created, TwilioClientTests.MessageJson));

        await Client(handler).CreateMessageAsync(Credentials, Sms);

        handler.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_post_whose_response_broke_off_is_not_resent()
    {
        var handler = new FakeTwilioHandler(
            FakeTwilioHandler.Throw(new HttpRequestException(HttpRequestError.ResponseEnded, "ended")),
            Status(HttpStatusCode.Created, TwilioClientTests.MessageJson));

        await Should.ThrowAsync<TwilioUncertainException>(() => Client(handler).CreateMessageAsync(Credentials, Sms));

        handler.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_post_client_error_is_not_retried()
    {
        var handler = new FakeTwilioHandler(Status(HttpStatusCode.BadRequest, """{"code":21610,"message":"Attempt to send to unsubscribed recipient"}"""));

        var error = await Should.ThrowAsync<TwilioApiException>(() => Client(handler).CreateMessageAsync(Credentials, Sms));

        error.Code.ShouldBe(21610);
        handler.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Persistent_429_gives_up_after_max_retries()
    {
        var handler = new FakeTwilioHandler(Status((HttpStatusCode)429, """{"code":20429,"message":"Too Many Requests"}"""));

        var error = await Should.ThrowAsync<TwilioApiException>(() => Client(handler, maxRetries: 2).CreateMessageAsync(Credentials, Sms));

        error.HttpStatus.ShouldBe(429);
        error.IsRetryable.ShouldBeTrue();
        handler.Requests.Count.ShouldBe(3);
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_cap_is_returned_to_the_caller_instead_of_waited()
    {
        var handler = new FakeTwilioHandler(FakeTwilioHandler.Respond((HttpStatusCode)429, "{}", r => r.Headers.Add("Retry-After", "3600")));

        var error = await Should.ThrowAsync<TwilioApiException>(() => Client(handler).CreateMessageAsync(Credentials, Sms));

        error.RetryAfter.ShouldBe(TimeSpan.FromHours(1));
        handler.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Retry_after_is_honoured()
    {
        var handler = new FakeTwilioHandler(
            FakeTwilioHandler.Respond((HttpStatusCode)429, "{}", r => r.Headers.Add("Retry-After", "1")),
            Status(HttpStatusCode.Created, TwilioClientTests.MessageJson));
        var client = Client(handler);
        var clock = Stopwatch.StartNew();

        await client.CreateMessageAsync(Credentials, Sms);

        clock.Elapsed.ShouldBeGreaterThan(TimeSpan.FromMilliseconds(900));
        handler.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task With_zero_retries_nothing_is_retried()
    {
        var handler = new FakeTwilioHandler(Status(HttpStatusCode.ServiceUnavailable), Status(HttpStatusCode.OK, TwilioClientTests.CallJson));

        await Should.ThrowAsync<TwilioApiException>(() => Client(handler, maxRetries: 0).FetchCallAsync(Credentials, "CA1"));

        handler.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public void The_http_client_timeout_leaves_room_for_every_attempt_and_back_off()
    {
        using var services = Services(null, maxRetries: 3, timeoutSeconds: 15);
        var options = services.GetRequiredService<IOptions<TwilioClientOptions>>().Value;
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(TwilioClient));

        http.BaseAddress.ShouldBe(new Uri("https://api.twilio.com"));
        http.Timeout.ShouldBe(options.OverallTimeout);
        http.Timeout.ShouldBeGreaterThan(TimeSpan.FromSeconds(15 * 4) + TwilioRetryPolicy.MaxRetryDelay * 3);
    }

    [Fact]
    public void Defaults_match_the_documented_configuration()
    {
        var options = new TwilioClientOptions();

        options.ApiBaseUrl.ShouldBe("https://api.twilio.com");
        options.MaxRetries.ShouldBe(3);
        options.TimeoutSeconds.ShouldBe(15);
        options.RetryBaseDelayMs.ShouldBe(500);
    }

    [Fact]
    public void Invalid_configuration_is_rejected()
    {
        using var services = Services(null, baseUrl: "not a url");

        Should.Throw<OptionsValidationException>(() => services.GetRequiredService<TwilioClient>());
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

    [Fact]
    public async Task Over_real_http_a_429_then_201_resends_the_same_form_once()
    {
        var bodies = new List<string>();
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            int count;
            lock (bodies)
            {
                bodies.Add(body);
                count = bodies.Count;
            }

            context.Response.ContentType = "application/json";
            context.Response.StatusCode = count == 1 ? 429 : 201;
            await context.Response.WriteAsync(count == 1 ? """{"code":20429,"message":"Too Many Requests"}""" : TwilioClientTests.MessageJson);
        });
        using var services = Services(null, baseUrl: server.BaseUrl);

        var message = await services.GetRequiredService<TwilioClient>().CreateMessageAsync(Credentials, Sms);

        message.Sid.ShouldStartWith("SM");
        bodies.Count.ShouldBe(2);
        bodies[1].ShouldBe(bodies[0]);
        FormData.Parse(bodies[0]).ShouldBe([new("To", "+14155552671"), new("From", "+15005550006"), new("Body", "Hello")]);
    }

    [Fact]
    public async Task Over_real_http_a_post_answered_500_is_sent_once()
    {
        var count = 0;
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            Interlocked.Increment(ref count);
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        });
        using var services = Services(null, baseUrl: server.BaseUrl);

        await Should.ThrowAsync<TwilioUncertainException>(() => services.GetRequiredService<TwilioClient>().CreateMessageAsync(Credentials, Sms));

        count.ShouldBe(1);
    }

    [Fact]
    public async Task Over_real_sockets_a_closed_port_is_a_connection_error_with_nothing_sent()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var services = Services(null, baseUrl: $"http://127.0.0.1:{port}", maxRetries: 1);

        var error = await Should.ThrowAsync<TwilioConnectionException>(() => services.GetRequiredService<TwilioClient>().CreateMessageAsync(Credentials, Sms));

        error.RequestSent.ShouldBeFalse();
    }

    /// <summary>A real Kestrel server on 127.0.0.1 with an OS-assigned port.</summary>
    private sealed class LoopbackServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private LoopbackServer(WebApplication app, string baseUrl)
        {
            _app = app;
            BaseUrl = baseUrl;
        }

        public string BaseUrl { get; }

        public static async Task<LoopbackServer> StartAsync(RequestDelegate handler)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            app.Run(handler);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new LoopbackServer(app, address);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

using System.Globalization;
using App.Twilio;
using App.Twilio.Simulator;
using global::Twilio.Rest.Api.V2010.Account;
using global::Twilio.Types;
using static App.Tests.Twilio.Simulator.SimulatorSends;

namespace App.Tests.Twilio.Simulator;

/// <summary>Messages sent through the SDK and the app's <see cref="TwilioRest"/> to the simulator over HTTP.</summary>
public sealed class SimulatedSmsTests(SimulatorAppFactory factory) : IClassFixture<SimulatorAppFactory>
{
    private const string Recipient = "+14155552671";

    [Fact]
    public async Task A_message_goes_queued_sending_sent_delivered_with_signed_callbacks_and_is_fetched_and_listed()
    {
        var tenant = await factory.CreateTenantAsync();
        var credentials = factory.Service<SimulatedAccounts>().CredentialsFor(tenant.Id);
        var token = factory.Service<SimulatedAccounts>().AuthTokenFor(tenant.Id);
        var path = $"{CallbackCapture.Prefix}/sms/{Guid.NewGuid():N}";
        var client = factory.TwilioRest();
        var body = "Your appointment is tomorrow at 9:00 — reply STOP to opt out";

        var created = await client.CreateMessageAsync(credentials, Sms(Recipient, body, factory.UrlFor(path + "?tenant=a%20b&x=1")));

        created.Sid.ShouldMatch("^SM[0-9a-f]{32}$");
        created.Status.ToString().ShouldBe("queued");
        created.AccountSid.ShouldBe(credentials.AccountSid);
        created.NumSegments.ShouldBe(SmsSegments.Count(body).Segments.ToString(CultureInfo.InvariantCulture));
        created.Price.ShouldBeNull();
        created.DateSent.ShouldBeNull();
        created.DateCreated.ShouldNotBeNull();
        created.ApiVersion.ShouldBe("2010-04-01");
        created.Direction.ToString().ShouldBe("outbound-api");

        var callbacks = await factory.Capture.WaitForAsync(path, 3);
        callbacks.Select(c => c["MessageStatus"]).ShouldBe(["sending", "sent", "delivered"]);
        foreach (var callback in callbacks)
        {
            callback.Method.ShouldBe("POST");
            callback.Url.ShouldEndWith(path + "?tenant=a%20b&x=1");
            callback.IsSignedWith(token).ShouldBeTrue($"signature of the {callback["MessageStatus"]} callback");
            callback.IsSignedWith(token + "x").ShouldBeFalse();
            callback["MessageSid"].ShouldBe(created.Sid);
            callback["SmsSid"].ShouldBe(created.Sid);
            callback["SmsStatus"].ShouldBe(callback["MessageStatus"]);
            callback["AccountSid"].ShouldBe(credentials.AccountSid);
            callback["From"].ShouldBe(SimulatedAccounts.DefaultFromNumber);
            callback["To"].ShouldBe(Recipient);
            callback["ApiVersion"].ShouldBe("2010-04-01");
            callback["ErrorCode"].ShouldBeNull();
        }

        var fetched = await client.FetchMessageAsync(credentials, created.Sid);
        fetched.Status.ToString().ShouldBe("delivered");
        decimal.Parse(fetched.Price, CultureInfo.InvariantCulture).ShouldBe(-0.00790m * int.Parse(created.NumSegments, CultureInfo.InvariantCulture));
        fetched.PriceUnit.ShouldBe("USD");
        fetched.DateSent.ShouldNotBeNull();
        fetched.ErrorCode.ShouldBeNull();

        var listed = await client.ListMessagesAsync(credentials, new ReadMessageOptions { To = new PhoneNumber(Recipient), DateSentAfter = DateTime.UtcNow.Date });
        listed.Items.ShouldContain(m => m.Sid == created.Sid && m.Status.ToString() == "delivered");
    }

    [Fact]
    public async Task Lists_page_through_next_page_uri_and_filter_by_to_and_date()
    {
        var tenant = await factory.CreateTenantAsync();
        var credentials = factory.Service<SimulatedAccounts>().CredentialsFor(tenant.Id);
        var client = factory.TwilioRest();
        var to = "+14155550" + Random.Shared.Next(100, 999);
        var sids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            sids.Add((await client.CreateMessageAsync(credentials, Sms(to, $"n{i}"))).Sid);
        }

        await client.CreateMessageAsync(credentials, Sms("+14155559999", "other"));

        var all = await client.ListMessagesAsync(credentials, new ReadMessageOptions { To = new PhoneNumber(to), PageSize = 2 }, maxPages: 5);
        all.Items.Select(m => m.Sid).ShouldBe(Enumerable.Reverse(sids), "newest first, across two pages");
        all.HasMore.ShouldBeFalse();

        var firstPageOnly = await client.ListMessagesAsync(credentials, new ReadMessageOptions { To = new PhoneNumber(to), PageSize = 2 }, maxPages: 1);
        firstPageOnly.Items.Count.ShouldBe(2);
        firstPageOnly.HasMore.ShouldBeTrue();

        var yesterday = DateTime.UtcNow.Date.AddDays(-1);
        (await client.ListMessagesAsync(credentials, new ReadMessageOptions { To = new PhoneNumber(to), DateSentBefore = yesterday })).Items.ShouldBeEmpty();

        var otherTenant = factory.Service<SimulatedAccounts>().CredentialsFor((await factory.CreateTenantAsync()).Id);
        (await client.ListMessagesAsync(otherTenant, new ReadMessageOptions { To = new PhoneNumber(to) })).Items.ShouldBeEmpty("accounts see only their own messages");
    }

    [Fact]
    public async Task An_invalid_number_is_refused_with_21211_and_nothing_is_created()
    {
        var (client, credentials) = await ClientAsync();
        var before = factory.Ledger.CreatedMessages;

        var error = await Should.ThrowAsync<TwilioApiException>(() => client.CreateMessageAsync(credentials,
            Sms(MagicNumbers.InvalidNumber, "hi")));

        error.HttpStatus.ShouldBe(400);
        error.Code.ShouldBe(21211);
        error.MoreInfo.ShouldBe("https://www.twilio.com/docs/errors/21211");
        factory.Ledger.CreatedMessages.ShouldBe(before);
    }

    [Fact]
    public async Task An_unsubscribed_recipient_is_refused_with_21610()
    {
        var (client, credentials) = await ClientAsync();

        var error = await Should.ThrowAsync<TwilioApiException>(() => client.CreateMessageAsync(credentials,
            Sms(MagicNumbers.Unsubscribed, "hi")));

        error.HttpStatus.ShouldBe(400);
        error.Code.ShouldBe(21610);
        error.IsRetryable.ShouldBeFalse();
    }

    [Fact]
    public async Task A_429_is_retried_by_the_client_and_exactly_one_message_is_created()
    {
        var (client, credentials) = await ClientAsync();
        var attemptsBefore = factory.Ledger.CreateAttempts(MagicNumbers.ThrottledOnce);
        var createdBefore = factory.Ledger.CreatedMessages;
        var body = $"throttled {Guid.NewGuid():N}";

        var message = await client.CreateMessageAsync(credentials,
            Sms(MagicNumbers.ThrottledOnce, body));

        message.Status.ToString().ShouldBe("queued");
        factory.Ledger.CreateAttempts(MagicNumbers.ThrottledOnce).ShouldBe(attemptsBefore + 2);
        factory.Ledger.CreatedMessages.ShouldBe(createdBefore + 1);
        factory.Ledger.Messages.Values.Count(m => m.Body == body).ShouldBe(1);
    }

    [Fact]
    public async Task A_500_after_creating_is_uncertain_and_the_message_is_found_by_listing()
    {
        var (client, credentials) = await ClientAsync();
        var attemptsBefore = factory.Ledger.CreateAttempts(MagicNumbers.CreatedButServerError);
        var body = $"uncertain {Guid.NewGuid():N}";

        var error = await Should.ThrowAsync<TwilioUncertainException>(() => client.CreateMessageAsync(credentials,
            Sms(MagicNumbers.CreatedButServerError, body)));

        error.HttpStatus.ShouldBe(500);
        error.Code.ShouldBe(20500);
        factory.Ledger.CreateAttempts(MagicNumbers.CreatedButServerError).ShouldBe(attemptsBefore + 1, "a create that got a 5xx is never resent");
        var listed = await client.ListMessagesAsync(credentials, new ReadMessageOptions
        {
            To = new PhoneNumber(MagicNumbers.CreatedButServerError),
            DateSentAfter = DateTime.UtcNow.Date,
        });
        listed.Items.Count(m => m.Body == body).ShouldBe(1);
    }

    [Fact]
    public async Task A_503_is_uncertain_to_the_client_but_nothing_was_created()
    {
        var (client, credentials) = await ClientAsync();
        var createdBefore = factory.Ledger.CreatedMessages;
        var attemptsBefore = factory.Ledger.CreateAttempts(MagicNumbers.Unavailable);

        var error = await Should.ThrowAsync<TwilioUncertainException>(() => client.CreateMessageAsync(credentials,
            Sms(MagicNumbers.Unavailable, "hi")));

        error.HttpStatus.ShouldBe(503);
        factory.Ledger.CreatedMessages.ShouldBe(createdBefore);
        factory.Ledger.CreateAttempts(MagicNumbers.Unavailable).ShouldBe(attemptsBefore + 1);
        (await client.ListMessagesAsync(credentials, new ReadMessageOptions { To = new PhoneNumber(MagicNumbers.Unavailable) })).Items.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(MagicNumbers.Undelivered, new[] { "sending", "sent", "undelivered" }, 30003, true)]
    [InlineData(MagicNumbers.Failed, new[] { "sending", "failed" }, 30008, false)]
    public async Task Failing_recipients_end_with_an_error_code_in_the_callback_and_the_resource(
        string to, string[] statuses, int errorCode, bool charged)
    {
        var (client, credentials) = await ClientAsync();
        factory.Service<SimulatedAccounts>().TryResolve(credentials.AccountSid, out var tenantId).ShouldBeTrue();
        var token = factory.Service<SimulatedAccounts>().AuthTokenFor(tenantId);
        var path = $"{CallbackCapture.Prefix}/sms/{Guid.NewGuid():N}";

        var created = await client.CreateMessageAsync(credentials, Sms(to, "hi", factory.UrlFor(path)));

        var callbacks = await factory.Capture.WaitForAsync(path, statuses.Length);
        callbacks.Select(c => c["MessageStatus"]).ShouldBe(statuses);
        callbacks.ShouldAllBe(c => c.IsSignedWith(token));
        callbacks[^1]["ErrorCode"].ShouldBe(errorCode.ToString(CultureInfo.InvariantCulture));
        callbacks.SkipLast(1).ShouldAllBe(c => c["ErrorCode"] == null);

        var fetched = await client.FetchMessageAsync(credentials, created.Sid);
        fetched.Status.ToString().ShouldBe(statuses[^1]);
        fetched.ErrorCode.ShouldBe(errorCode);
        fetched.ErrorMessage.ShouldNotBeNullOrWhiteSpace();
        (fetched.Price is not null).ShouldBe(charged);
    }

    [Fact]
    public async Task A_callback_is_retried_once_when_the_connection_fails_and_never_on_an_error_status()
    {
        var (client, credentials) = await ClientAsync();
        // Port 1 (tcpmux) is privileged and unused: the connection is refused at once. A port freed by a listener of
        // our own could be taken by another test's server meanwhile.
        var unreachable = "http://127.0.0.1:1/status";
        var failingPath = $"{CallbackCapture.Prefix}/sms/{Guid.NewGuid():N}";
        factory.Capture.Respond(failingPath, 500, "text/plain", "oops");

        var lost = await client.CreateMessageAsync(credentials, Sms(Recipient, "a", unreachable));
        var refused = await client.CreateMessageAsync(credentials, Sms(Recipient, "b", factory.UrlFor(failingPath)));

        await Eventually.TrueAsync(() => factory.Ledger.Messages[lost.Sid].Status == "delivered" && factory.Ledger.Messages[refused.Sid].Status == "delivered", "both to be delivered");
        await Eventually.TrueAsync(() => factory.Ledger.Deliveries.Count(d => d.Url == unreachable) == 3, "three status callbacks to the closed port");
        factory.Ledger.Deliveries.Where(d => d.Url == unreachable).ShouldAllBe(d => d.Status == null && d.Attempts == 2);
        factory.Capture.Hits(failingPath).Count.ShouldBe(3, "one request per status, none repeated after a 500");
        factory.Ledger.Deliveries.Where(d => d.Url.EndsWith(failingPath, StringComparison.Ordinal)).ShouldAllBe(d => d.Status == 500 && d.Attempts == 1);
    }

    private async Task<(TwilioRest Client, TwilioCredentials Credentials)> ClientAsync()
    {
        var tenant = await factory.CreateTenantAsync();
        return (factory.TwilioRest(), factory.Service<SimulatedAccounts>().CredentialsFor(tenant.Id));
    }
}

using System.Globalization;
using App.Twilio;
using App.Twilio.Simulator;
using global::Twilio.Rest.Api.V2010.Account;
using global::Twilio.Types;
using static App.Tests.Twilio.Simulator.SimulatorSends;

namespace App.Tests.Twilio.Simulator;

/// <summary>Calls placed through the SDK and the app's <see cref="TwilioRest"/>: the simulator fetches TwiML and media from the app.</summary>
public sealed class SimulatedCallTests(SimulatorAppFactory factory) : IClassFixture<SimulatorAppFactory>
{
    private const string Recipient = "+14155552671";
    private const string Spoken = "Hello, this is a reminder of your appointment tomorrow.";

    [Fact]
    public async Task A_call_fetches_signed_twiml_plays_audio_and_completes_with_duration_price_and_callbacks_in_sequence()
    {
        var (client, credentials, token) = await TenantAsync();
        var id = Guid.NewGuid().ToString("N");
        var twimlPath = $"{CallbackCapture.Prefix}/twiml/{id}";
        var audioPath = $"{CallbackCapture.Prefix}/audio/{id}.mp3";
        var statusPath = $"{CallbackCapture.Prefix}/call-status/{id}";
        factory.Capture.Respond(audioPath, 200, "audio/mpeg", "ID3");
        factory.Capture.Respond(twimlPath, 200, "application/xml; charset=utf-8", new VoiceTwiml()
            .Say(Spoken, voice: "Polly.Joanna").Play(factory.UrlFor(audioPath)).Hangup().ToXml());

        var created = await client.CreateCallAsync(credentials, Call(
            Recipient, url: factory.UrlFor(twimlPath + "?v=1"), statusCallback: factory.UrlFor(statusPath), events: TwilioCallEvents.All));

        created.Sid.ShouldMatch("^CA[0-9a-f]{32}$");
        created.Status.ToString().ShouldBe("queued");
        created.Direction.ShouldBe("outbound-api");
        created.Duration.ShouldBeNull();

        var callbacks = await factory.Capture.WaitForAsync(statusPath, 4);
        callbacks.Select(c => c["CallStatus"]).ShouldBe(["initiated", "ringing", "in-progress", "completed"]);
        callbacks.Select(c => c["SequenceNumber"]).ShouldBe(["0", "1", "2", "3"]);
        foreach (var callback in callbacks)
        {
            callback.IsSignedWith(token).ShouldBeTrue($"signature of the {callback["CallStatus"]} callback");
            callback["CallSid"].ShouldBe(created.Sid);
            callback["AccountSid"].ShouldBe(credentials.AccountSid);
            callback["CallbackSource"].ShouldBe("call-progress-events");
            callback["Direction"].ShouldBe("outbound-api");
            Rfc2822(callback["Timestamp"]!).ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        }

        var expected = CallLifecycle.EstimateDuration(Spoken.Length, plays: 1);
        callbacks[^1]["CallDuration"].ShouldBe(expected.ToString(CultureInfo.InvariantCulture));
        callbacks[^1]["Duration"].ShouldBe("1");
        callbacks[^1]["ErrorCode"].ShouldBeNull();

        var twimlRequest = factory.Capture.Hits(twimlPath).ShouldHaveSingleItem();
        twimlRequest.Method.ShouldBe("POST");
        twimlRequest.IsSignedWith(token).ShouldBeTrue();
        twimlRequest["CallSid"].ShouldBe(created.Sid);
        twimlRequest["From"].ShouldBe(SimulatedAccounts.DefaultFromNumber);
        twimlRequest["To"].ShouldBe(Recipient);
        twimlRequest["Direction"].ShouldBe("outbound-api");
        twimlRequest["CallStatus"].ShouldBe("in-progress");
        twimlRequest["ApiVersion"].ShouldBe("2010-04-01");
        factory.Capture.Hits(audioPath).ShouldHaveSingleItem().Method.ShouldBe("GET");

        var fetched = await client.FetchCallAsync(credentials, created.Sid);
        fetched.Status.ToString().ShouldBe("completed");
        fetched.Duration.ShouldBe(expected.ToString(CultureInfo.InvariantCulture));
        fetched.Price.ShouldBe("-0.01400");
        fetched.PriceUnit.ShouldBe("USD");
        fetched.StartTime.ShouldNotBeNull();
        fetched.EndTime.ShouldNotBeNull();
        (await client.ListCallsAsync(credentials, new ReadCallOptions { To = new PhoneNumber(Recipient) })).Items.ShouldContain(c => c.Sid == created.Sid);
    }

    [Fact]
    public async Task Without_status_callback_events_only_completed_is_posted_and_get_twiml_is_signed_over_the_query()
    {
        var (client, credentials, token) = await TenantAsync();
        var id = Guid.NewGuid().ToString("N");
        var twimlPath = $"{CallbackCapture.Prefix}/twiml/{id}";
        var statusPath = $"{CallbackCapture.Prefix}/call-status/{id}";
        factory.Capture.Respond(twimlPath, 200, "text/xml", "<Response><Say>Hi</Say></Response>");

        var created = await client.CreateCallAsync(credentials, Call(
            Recipient, url: factory.UrlFor(twimlPath), method: "GET", statusCallback: factory.UrlFor(statusPath)));

        var completed = (await factory.Capture.WaitForAsync(statusPath, 1)).ShouldHaveSingleItem();
        completed["CallStatus"].ShouldBe("completed");
        completed["SequenceNumber"].ShouldBe("0");
        completed["CallDuration"].ShouldBe("1");
        var twimlRequest = factory.Capture.Hits(twimlPath).ShouldHaveSingleItem();
        twimlRequest.Method.ShouldBe("GET");
        twimlRequest.Form.ShouldBeEmpty();
        twimlRequest["CallSid"].ShouldBe(created.Sid);
        twimlRequest.IsSignedWith(token).ShouldBeTrue();
        await Task.Delay(100);
        factory.Capture.Hits(statusPath).Count.ShouldBe(1);
    }

    public static TheoryData<string, string, string, int> BrokenInstructions() => new()
    {
        { "not-xml", "application/xml", "<Response><Say>unclosed</Response>", TwimlDocument.ParseErrorCode },
        { "bad-verb", "application/xml", "<Response><say>lower case</say></Response>", TwimlDocument.SchemaErrorCode },
        { "say-rate", "application/xml", "<Response><Say rate=\"medium\">Hi</Say></Response>", TwimlDocument.SchemaErrorCode },
        { "server-error", "text/plain", "boom", CallLifecycle.RetrievalFailure },
        { "play-404", "application/xml", "<Response><Play>{audio-404}</Play></Response>", CallLifecycle.RetrievalFailure },
        { "play-html", "application/xml", "<Response><Say>Hi</Say><Play>{audio-html}</Play></Response>", CallLifecycle.RetrievalFailure },
        { "play-relative-404", "application/xml", "<Response><Play>missing.mp3</Play></Response>", CallLifecycle.RetrievalFailure },
        { "json", "application/json", "{}", CallLifecycle.InvalidContentType },
    };

    [Theory]
    [MemberData(nameof(BrokenInstructions))]
    public async Task A_call_whose_twiml_or_audio_cannot_be_used_fails_with_twilios_error_code(string scenario, string contentType, string document, int errorCode)
    {
        var (client, credentials, token) = await TenantAsync();
        var id = Guid.NewGuid().ToString("N");
        var twimlPath = $"{CallbackCapture.Prefix}/twiml/{id}";
        var statusPath = $"{CallbackCapture.Prefix}/call-status/{id}";
        var audio404 = $"{CallbackCapture.Prefix}/audio/{id}-missing.mp3";
        var audioHtml = $"{CallbackCapture.Prefix}/audio/{id}-page.mp3";
        factory.Capture.Respond(audio404, 404, "text/plain", "not found");
        factory.Capture.Respond(audioHtml, 200, "text/html", "<html>not audio</html>");
        factory.Capture.Respond($"{CallbackCapture.Prefix}/twiml/missing.mp3", 404, "text/plain", "not found");
        factory.Capture.Respond(twimlPath, scenario == "server-error" ? 500 : 200, contentType,
            document.Replace("{audio-404}", factory.UrlFor(audio404)).Replace("{audio-html}", factory.UrlFor(audioHtml)));

        var created = await client.CreateCallAsync(credentials, Call(
            Recipient, url: factory.UrlFor(twimlPath), statusCallback: factory.UrlFor(statusPath), events: TwilioCallEvents.All));

        var callbacks = await factory.Capture.WaitForAsync(statusPath, 3);
        callbacks.Select(c => c["CallStatus"]).ShouldBe(["initiated", "ringing", "failed"], scenario);
        callbacks[^1].IsSignedWith(token).ShouldBeTrue();
        callbacks[^1]["ErrorCode"].ShouldBe(errorCode.ToString(CultureInfo.InvariantCulture), scenario);
        callbacks[^1]["ErrorMessage"].ShouldNotBeNullOrWhiteSpace();
        factory.Ledger.CallErrors[created.Sid].Code.ShouldBe(errorCode);

        var fetched = await client.FetchCallAsync(credentials, created.Sid);
        fetched.Status.ToString().ShouldBe("failed");
        fetched.Duration.ShouldBeNull();
        fetched.Price.ShouldBeNull();
    }

    [Theory]
    [InlineData(MagicNumbers.Busy, "busy", "486")]
    [InlineData(MagicNumbers.NoAnswer, "no-answer", "480")]
    [InlineData(MagicNumbers.CallFails, "failed", "404")]
    public async Task Unanswered_magic_numbers_end_without_fetching_the_twiml(string to, string status, string sipCode)
    {
        var (client, credentials, token) = await TenantAsync();
        var id = Guid.NewGuid().ToString("N");
        var twimlPath = $"{CallbackCapture.Prefix}/twiml/{id}";
        var statusPath = $"{CallbackCapture.Prefix}/call-status/{id}";

        var created = await client.CreateCallAsync(credentials, Call(
            to, url: factory.UrlFor(twimlPath), statusCallback: factory.UrlFor(statusPath), events: [TwilioCallEvents.Ringing, TwilioCallEvents.Completed]));

        var callbacks = await factory.Capture.WaitForAsync(statusPath, 2);
        callbacks.Select(c => c["CallStatus"]).ShouldBe(["ringing", status]);
        callbacks.Select(c => c["SequenceNumber"]).ShouldBe(["0", "1"]);
        callbacks.ShouldAllBe(c => c.IsSignedWith(token));
        callbacks[^1]["SipResponseCode"].ShouldBe(sipCode);
        callbacks[^1]["CallDuration"].ShouldBe("0");
        factory.Capture.Hits(twimlPath).ShouldBeEmpty();
        (await client.FetchCallAsync(credentials, created.Sid)).Status.ToString().ShouldBe(status);
    }

    [Fact]
    public async Task Inline_twiml_is_validated_too()
    {
        var (client, credentials, _) = await TenantAsync();
        var statusPath = $"{CallbackCapture.Prefix}/call-status/{Guid.NewGuid():N}";

        await client.CreateCallAsync(credentials, Call(
            Recipient, twiml: "<Response><Dial>+14155550000</Dial></Response>", statusCallback: factory.UrlFor(statusPath)));

        var completed = (await factory.Capture.WaitForAsync(statusPath, 1)).ShouldHaveSingleItem();
        completed["CallStatus"].ShouldBe("failed");
        completed["ErrorCode"].ShouldBe("12200");
    }

    [Fact]
    public async Task Call_magic_numbers_for_throttling_and_uncertain_outcomes_behave_as_for_messages()
    {
        var (client, credentials, _) = await TenantAsync();
        var createdBefore = factory.Ledger.CreatedCalls;
        var twiml = $"<Response><Say>{Guid.NewGuid():N}</Say></Response>";

        (await client.CreateCallAsync(credentials, Call(MagicNumbers.ThrottledOnce, twiml: twiml)))
            .Status.ToString().ShouldBe("queued");
        factory.Ledger.CreatedCalls.ShouldBe(createdBefore + 1);

        (await Should.ThrowAsync<TwilioUncertainException>(() => client.CreateCallAsync(credentials,
            Call(MagicNumbers.CreatedButServerError, twiml: twiml)))).HttpStatus.ShouldBe(500);
        (await client.ListCallsAsync(credentials, new ReadCallOptions { To = new PhoneNumber(MagicNumbers.CreatedButServerError) })).Items.ShouldHaveSingleItem();

        (await Should.ThrowAsync<TwilioUncertainException>(() => client.CreateCallAsync(credentials,
            Call(MagicNumbers.Unavailable, twiml: twiml)))).HttpStatus.ShouldBe(503);
        (await client.ListCallsAsync(credentials, new ReadCallOptions { To = new PhoneNumber(MagicNumbers.Unavailable) })).Items.ShouldBeEmpty();

        (await Should.ThrowAsync<TwilioApiException>(() => client.CreateCallAsync(credentials,
            Call(MagicNumbers.InvalidNumber, twiml: twiml)))).Code.ShouldBe(21211);
        factory.Ledger.CreatedCalls.ShouldBe(createdBefore + 2);
    }

    private async Task<(TwilioRest Client, TwilioCredentials Credentials, string Token)> TenantAsync()
    {
        var tenant = await factory.CreateTenantAsync();
        var accounts = factory.Service<SimulatedAccounts>();
        return (factory.TwilioRest(), accounts.CredentialsFor(tenant.Id), accounts.AuthTokenFor(tenant.Id));
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using App.Tests.Support;
using Dapper;
using Microsoft.Data.Sqlite;

namespace App.Tests.Features.Communication;

/// <summary>
/// The outbox's promise, tried as an operator would break it: App as a real process killed with SIGKILL or stopped
/// with SIGTERM, Twilio (a stand-in on a real socket that records every create) throttling, failing, hanging and
/// refusing connections, and twin sends that Twilio's records cannot tell apart. Every accepted send must reach
/// Twilio exactly once. Each drill is bounded in time.
/// </summary>
public sealed class ExactlyOnceDrills : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));

    public ExactlyOnceDrills() => Directory.CreateDirectory(_dataDirectory);

    private Dictionary<string, string> Environment(TwilioStandIn twilio, Dictionary<string, string>? settings = null) =>
        AppProcess.Environment(_dataDirectory, twilio.BaseUrl, settings);

    private static async Task GiveLiveCredentialsAsync(HttpClient client)
    {
        var response = await client.PutJsonAsync("/api/tenant/profile", new
        {
            name = "Drill Dental",
            twilio_sid = "AC" + new string('a', 32),
            twilio_token = new string('b', 32),
            from_number = "+15005550006",
        });
        await response.ShouldBeSuccessAsync();
    }

    private static async Task<HttpResponseMessage> SendSmsAsync(HttpClient client, string to, string message, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/communication/sms/send")
        {
            Content = JsonContent.Create(new { to, message }),
        };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(request);
    }

    private SqliteConnection OpenDatabase()
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDirectory, "app.db")};Pooling=False");
        connection.Open();
        return connection;
    }

    private long UnsettledEntries()
    {
        using var connection = OpenDatabase();
        return connection.ExecuteScalar<long>("SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'uncertain', 'in_flight')");
    }

    private Task<long> WaitUntilSettledAsync(TimeSpan timeout) =>
        Eventually.GetAsync(() => Task.FromResult(UnsettledEntries()), unsettled => unsettled == 0, timeout, "every outbox entry settled");

    private (long Rows, long WithSid, long DistinctSids, long Failed) LogSummary()
    {
        using var connection = OpenDatabase();
        return connection.QuerySingle<(long, long, long, long)>("""
            SELECT COUNT(*), COUNT(twilio_sid), COUNT(DISTINCT twilio_sid), SUM(status = 'failed') FROM communication_log WHERE direction = 'outbound'
            """);
    }

    private static void EachOnce(TwilioStandIn twilio, List<string> bodies)
    {
        var created = twilio.Created.GroupBy(m => m.Body).ToDictionary(g => g.Key!, g => g.Count());
        var missing = bodies.Where(b => !created.ContainsKey(b)).ToList();
        var doubled = created.Where(c => c.Value > 1).Select(c => $"{c.Key} ×{c.Value}").ToList();
        missing.ShouldBeEmpty("never reached Twilio");
        doubled.ShouldBeEmpty("reached Twilio more than once");
        twilio.Created.Count.ShouldBe(bodies.Count);
    }

    [Fact]
    public async Task A_burst_of_sends_survives_kill_9_and_each_reaches_Twilio_exactly_once()
    {
        await using var twilio = new TwilioStandIn { CreateDelay = TimeSpan.FromMilliseconds(15) };
        await twilio.StartAsync();
        var environment = Environment(twilio);
        var tenant = await AppProcess.CreateTenantAsync(environment, "Drill Dental");
        const int sends = 320;
        var bodies = Enumerable.Range(0, sends).Select(i => $"Drill reminder {i}").ToList();
        var answered = new ConcurrentDictionary<int, bool>();

        await using (var first = await AppProcess.StartAsync(environment))
        {
            using var client = first.Client(tenant.ApiKey);
            await GiveLiveCredentialsAsync(client);
            var next = -1;
            var workers = Enumerable.Range(0, 12).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < sends)
                {
                    try
                    {
                        var response = await SendSmsAsync(client, $"+1415555{100 + i:D4}", bodies[i], $"drill-{i}");
                        ((int)response.StatusCode).ShouldBe(200, await response.Content.ReadAsStringAsync());
                        if (answered.TryAdd(i, true) && answered.Count == sends / 2) first.Kill();
                    }
                    catch (HttpRequestException) { /* the process died under this request: the client retries below */ }
                    catch (TaskCanceledException) { }
                }
            });
            await Task.WhenAll(workers);
            (await first.WaitForExitAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
        }

        answered.Count.ShouldBeLessThan(sends, "the kill came in the middle of the burst");
        await using var second = await AppProcess.StartAsync(environment);
        using (var client = second.Client(tenant.ApiKey))
        {
            foreach (var i in Enumerable.Range(0, sends).Where(i => !answered.ContainsKey(i)))
            {
                var retry = await SendSmsAsync(client, $"+1415555{100 + i:D4}", bodies[i], $"drill-{i}");
                ((int)retry.StatusCode).ShouldBe(200, await retry.Content.ReadAsStringAsync());
            }
        }

        await WaitUntilSettledAsync(TimeSpan.FromSeconds(90));
        EachOnce(twilio, bodies);
        LogSummary().ShouldBe((sends, sends, sends, 0));
    }

    [Fact]
    public async Task Sends_accepted_while_Twilio_is_down_are_each_delivered_once_after_it_recovers_and_none_is_failed()
    {
        await using var twilio = new TwilioStandIn { HangFor = TimeSpan.FromSeconds(2) };
        await twilio.StartAsync();
        // Few attempts, as a long outage would use them up: only the give-up time (Outbox:GiveUpAfterSeconds) may fail a send.
        var environment = Environment(twilio, new() { ["Outbox:MaxAttempts"] = "4" });
        var tenant = await AppProcess.CreateTenantAsync(environment, "Drill Dental");
        await using var app = await AppProcess.StartAsync(environment);
        using var client = app.Client(tenant.ApiKey);
        await GiveLiveCredentialsAsync(client);
        var bodies = new List<string>();

        async Task SendDuringAsync(string phase, TimeSpan length)
        {
            var until = DateTime.UtcNow + length;
            for (var i = 0; DateTime.UtcNow < until || i < 4; i++)
            {
                var body = $"{phase} {i}";
                bodies.Add(body);
                await (await SendSmsAsync(client, $"+1415555{100 + bodies.Count:D4}", body)).ShouldBeSuccessAsync();
                await Task.Delay(length / 4);
            }
        }

        await SendDuringAsync("before", TimeSpan.FromMilliseconds(200));

        twilio.CreateFault = (_, _) => TwilioStandIn.Fault.Throttle;
        twilio.ReadFault = () => TwilioStandIn.Fault.Throttle;
        await SendDuringAsync("throttled", TimeSpan.FromSeconds(3));

        var turn = 0;
        twilio.CreateFault = (_, _) => Interlocked.Increment(ref turn) % 2 == 0 ? TwilioStandIn.Fault.ServerErrorAfterCreating : TwilioStandIn.Fault.ServerErrorNotCreated;
        twilio.ReadFault = () => TwilioStandIn.Fault.ServerErrorNotCreated;
        await SendDuringAsync("server errors", TimeSpan.FromSeconds(3));

        twilio.CreateFault = (_, _) => Interlocked.Increment(ref turn) % 2 == 0 ? TwilioStandIn.Fault.HangAfterCreating : TwilioStandIn.Fault.HangNotCreated;
        twilio.ReadFault = () => TwilioStandIn.Fault.HangNotCreated;
        await SendDuringAsync("timeouts", TimeSpan.FromSeconds(4));

        await twilio.StopListeningAsync();
        await SendDuringAsync("refused", TimeSpan.FromSeconds(3));

        twilio.CreateFault = (_, _) => TwilioStandIn.Fault.None;
        twilio.ReadFault = () => TwilioStandIn.Fault.None;
        await twilio.StartAsync();

        await WaitUntilSettledAsync(TimeSpan.FromSeconds(60));
        EachOnce(twilio, bodies);
        LogSummary().ShouldBe((bodies.Count, bodies.Count, bodies.Count, 0));
    }

    public static TheoryData<string, TwilioStandIn.Fault> TwinCases => new()
    {
        { "sms", TwilioStandIn.Fault.HangNotCreated },
        { "sms", TwilioStandIn.Fault.HangAfterCreating },
        { "call", TwilioStandIn.Fault.HangNotCreated },
        { "call", TwilioStandIn.Fault.HangAfterCreating },
    };

    [Theory]
    [MemberData(nameof(TwinCases))]
    public async Task Twin_sends_both_reach_Twilio_once_when_the_first_create_is_lost_or_its_answer_is(string kind, TwilioStandIn.Fault firstCreate)
    {
        await using var twilio = new TwilioStandIn { HangFor = TimeSpan.FromSeconds(2) };
        var firstDone = 0;
        twilio.CreateFault = (_, _) => Interlocked.Exchange(ref firstDone, 1) == 0 ? firstCreate : TwilioStandIn.Fault.None;
        await twilio.StartAsync();
        var environment = Environment(twilio);
        var tenant = await AppProcess.CreateTenantAsync(environment, "Drill Dental");
        await using var app = await AppProcess.StartAsync(environment);
        using var client = app.Client(tenant.ApiKey);
        await GiveLiveCredentialsAsync(client);
        const string to = "+14155550177";

        if (kind == "sms")
        {
            for (var twin = 0; twin < 2; twin++)
                await (await SendSmsAsync(client, to, "Reminder: your appointment is tomorrow at 9.")).ShouldBeSuccessAsync();
        }
        else
        {
            var voice = await (await client.PostJsonAsync("/api/voice-messages", new { name = "Reminder", voice_text = "Your appointment is tomorrow at 9." }))
                .ShouldBeSuccessAsync(201);
            for (var twin = 0; twin < 2; twin++)
                await (await client.PostJsonAsync("/api/communication/voice/send", new { to, voice_message_id = voice.GetProperty("id").GetInt64() }))
                    .ShouldBeSuccessAsync();
        }

        await WaitUntilSettledAsync(TimeSpan.FromSeconds(30));
        twilio.Created.Count(r => r.To == to && r.Kind == kind).ShouldBe(2);
        LogSummary().ShouldBe((2, 2, 2, 0));
        using var connection = OpenDatabase();
        connection.Query<string>("SELECT twilio_sid FROM communication_log ORDER BY twilio_sid")
            .ShouldBe(twilio.Created.Select(r => r.Sid).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_unexpected_error_while_recording_a_send_is_retried_then_failed_with_its_reason_and_never_resent()
    {
        await using var twilio = new TwilioStandIn();
        await twilio.StartAsync();
        var environment = Environment(twilio, new() { ["Outbox:MaxAttempts"] = "3", ["Outbox:GiveUpAfterSeconds"] = "0" });
        var tenant = await AppProcess.CreateTenantAsync(environment, "Drill Dental");
        using (var connection = OpenDatabase())
        {
            // A fault no code expects: the database refuses to store this one SID.
            connection.Execute("""
                CREATE TRIGGER drill_break_recording BEFORE UPDATE OF twilio_sid ON communication_log
                WHEN NEW.twilio_sid IS NOT NULL AND OLD.twilio_sid IS NULL AND NEW.message_content = 'Break me'
                BEGIN SELECT RAISE(ABORT, 'injected fault'); END
                """);
        }

        await using var app = await AppProcess.StartAsync(environment);
        using var client = app.Client(tenant.ApiKey);
        await GiveLiveCredentialsAsync(client);
        var id = (await (await SendSmsAsync(client, "+14155550178", "Break me")).ShouldBeSuccessAsync()).GetProperty("id").GetInt64();

        var item = await Eventually.GetAsync(
            async () => await (await client.GetAsync($"/api/communication/history/{id}")).ShouldBeSuccessAsync(),
            item => item.GetProperty("status").GetString() == "failed", TimeSpan.FromSeconds(30), "the send to be failed");

        var reason = item.GetProperty("error_message").GetString()!;
        reason.ShouldContain("Internal error while sending");
        reason.ShouldContain("injected fault");
        twilio.Created.Count.ShouldBe(1, "reconciled each time, never sent again");
        UnsettledEntries().ShouldBe(0);
    }

    [Fact]
    public async Task On_SIGTERM_the_sends_in_flight_finish_and_are_recorded_and_App_exits_in_time()
    {
        await using var twilio = new TwilioStandIn { CreateDelay = TimeSpan.FromMilliseconds(1500) };
        await twilio.StartAsync();
        var environment = Environment(twilio, new() { ["Twilio:TimeoutSeconds"] = "5" });
        var tenant = await AppProcess.CreateTenantAsync(environment, "Drill Dental");
        var bodies = Enumerable.Range(0, 12).Select(i => $"Shutdown drill {i}").ToList();

        await using (var app = await AppProcess.StartAsync(environment))
        {
            using var client = app.Client(tenant.ApiKey);
            await GiveLiveCredentialsAsync(client);
            for (var i = 0; i < bodies.Count; i++)
                await (await SendSmsAsync(client, $"+1415555{200 + i:D4}", bodies[i])).ShouldBeSuccessAsync();
            await Eventually.GetAsync(() => Task.FromResult(twilio.CreateAttempts), attempts => attempts > 0, what: "a create in flight");

            app.Terminate();

            (await app.WaitForExitAsync(TimeSpan.FromSeconds(20))).ShouldBeTrue("App must exit within Fly's kill timeout");
            app.ExitCode.ShouldBe(0, app.Output);
            (await Should.ThrowAsync<HttpRequestException>(() => SendSmsAsync(client, "+14155550299", "After the stop"))).ShouldNotBeNull();
        }

        using (var connection = OpenDatabase())
        {
            connection.ExecuteScalar<long>("SELECT COUNT(*) FROM outbox WHERE state IN ('in_flight', 'uncertain')").ShouldBe(0, "nothing left half-done");
            var recorded = connection.Query<string>("SELECT twilio_sid FROM communication_log WHERE twilio_sid IS NOT NULL").ToHashSet();
            recorded.Count.ShouldBeGreaterThan(0);
            recorded.ShouldBe(twilio.Created.Select(r => r.Sid).ToHashSet(), ignoreOrder: true);
        }

        twilio.CreateDelay = TimeSpan.Zero;
        await using var restarted = await AppProcess.StartAsync(environment);
        await WaitUntilSettledAsync(TimeSpan.FromSeconds(30));
        EachOnce(twilio, bodies);
    }

    [Fact]
    public async Task A_send_still_arriving_when_App_is_told_to_stop_is_refused_with_503_and_nothing_is_stored()
    {
        await using var twilio = new TwilioStandIn();
        await twilio.StartAsync();
        var environment = Environment(twilio);
        var tenant = await AppProcess.CreateTenantAsync(environment, "Drill Dental");
        await using var app = await AppProcess.StartAsync(environment);
        using var client = app.Client(tenant.ApiKey);
        await GiveLiveCredentialsAsync(client);

        // The request is under way (half its body sent) when SIGTERM arrives; the rest follows during the shutdown.
        var body = new SlowJsonContent("""{"to":"+14155550302","message":"Sent as the server stops"}""");
        var sending = client.PostAsync("/api/communication/sms/send", body);
        await body.HalfSent;
        app.Terminate();
        await Task.Delay(500);
        body.SendTheRest();
        var response = await sending;

        var error = await response.ShouldBeErrorAsync(503, "SHUTTING_DOWN");
        error.GetProperty("message").GetString()!.ShouldContain("nothing was sent");
        response.Headers.RetryAfter.ShouldNotBeNull();
        (await app.WaitForExitAsync(TimeSpan.FromSeconds(20))).ShouldBeTrue();
        using var connection = OpenDatabase();
        connection.ExecuteScalar<long>("SELECT COUNT(*) FROM communication_log").ShouldBe(0);
    }

    /// <summary>A JSON body that sends its first half at once and the rest only when told to.</summary>
    private sealed class SlowJsonContent : HttpContent
    {
        private readonly string json;

        public SlowJsonContent(string json)
        {
            this.json = json;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        private readonly TaskCompletionSource _halfSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _rest = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task HalfSent => _halfSent.Task;

        public void SendTheRest() => _rest.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(json);
            await stream.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
            await stream.FlushAsync();
            _halfSent.TrySetResult();
            await _rest.Task;
            await stream.WriteAsync(bytes.AsMemory(bytes.Length / 2));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = System.Text.Encoding.UTF8.GetByteCount(json);
            return true;
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dataDirectory, recursive: true); }
        catch (DirectoryNotFoundException) { }
        catch (IOException) { }
    }
}

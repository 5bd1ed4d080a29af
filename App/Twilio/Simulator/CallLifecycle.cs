using System.Xml.Linq;
using Microsoft.Extensions.Options;

namespace App.Twilio.Simulator;

/// <summary>
/// Drives a created call as Twilio would, one step every <see cref="SimulatorOptions.StepDelayMs"/>: queued →
/// initiated → ringing → (busy | no-answer | failed for the <see cref="MagicNumbers"/>) → TwiML fetched from <c>Url</c>
/// (signed, with the standard voice parameters) and validated, every <c>&lt;Play&gt;</c> URL fetched → in-progress →
/// completed, with a duration estimated from the document and a price per started minute.
/// </summary>
/// <remarks>
/// Status callbacks (see docs/twilio.md, "Status callbacks") go to <c>StatusCallback</c> only for the requested <c>StatusCallbackEvent</c>s (just
/// <c>completed</c> when none were given), with <c>SequenceNumber</c> counting the callbacks sent, <c>Timestamp</c> and
/// <c>CallbackSource</c>. Simulator extension: a failed call's completed callback carries <c>ErrorCode</c> and
/// <c>ErrorMessage</c> (11200 TwiML or media not retrievable, 12100 not XML, 12200 not valid TwiML, 12300 unusable
/// content type, 11100 bad Play URL, 13224 the failing magic number). <c>&lt;Redirect&gt;</c> is not followed and
/// <c>&lt;Gather&gt;</c> gets no input.
/// </remarks>
public sealed class CallLifecycle(
    SimulatorEngine engine, SimulatorLedger ledger, SimulatorHttp http, SimulatedAccounts accounts, IOptions<SimulatorOptions> options)
{
    /// <summary>Characters of <c>&lt;Say&gt;</c> text spoken per second in the duration estimate.</summary>
    public const int CharactersPerSecond = 15;

    /// <summary>Seconds counted for each <c>&lt;Play&gt;</c> in the duration estimate.</summary>
    public const int SecondsPerPlay = 3;

    public const int RetrievalFailure = 11200;
    public const int InvalidUrl = 11100;
    public const int InvalidContentType = 12300;
    public const int InvalidPhoneNumber = 13224;

    private SimulatorLedger Ledger => ledger;

    private SimulatorHttp Http => http;

    private IOptions<SimulatorOptions> Options => options;

    public void Start(string sid, string tenantId, CallInstructions instructions) =>
        engine.Run($"call {sid}", token => new Run(this, sid, accounts.AuthTokenFor(tenantId), instructions).ExecuteAsync(token));

    /// <summary>Duration in seconds: Say characters / 15 (rounded up) + 3 per Play, at least 1.</summary>
    public static int EstimateDuration(int spokenCharacters, int plays) =>
        Math.Max(1, (int)Math.Ceiling(spokenCharacters / (double)CharactersPerSecond) + plays * SecondsPerPlay);

    private sealed record Outcome(int SpokenCharacters, int Plays, SimulatedCallError? Error);

    private sealed class Run(CallLifecycle owner, string sid, string authToken, CallInstructions instructions)
    {
        private int _sequence;

        public async Task ExecuteAsync(CancellationToken cancellationToken)
        {
            var delay = owner.Options.Value.StepDelay;

            await Task.Delay(delay, cancellationToken);
            var call = owner.Ledger.FindCall(sid);
            if (call is null) return;
            await NotifyAsync(TwilioCallEvents.Initiated, call, "initiated", cancellationToken);

            await Task.Delay(delay, cancellationToken);
            call = Update(c => c with { Status = "ringing" });
            if (call is null) return;
            await NotifyAsync(TwilioCallEvents.Ringing, call, "ringing", cancellationToken);

            await Task.Delay(delay, cancellationToken);
            // The magic numbers that never answer: the TwiML is not fetched.
            switch (call.To)
            {
                case MagicNumbers.Busy:
                    await FinishUnansweredAsync("busy", 486, null, cancellationToken);
                    return;
                case MagicNumbers.NoAnswer:
                    await FinishUnansweredAsync("no-answer", 480, null, cancellationToken);
                    return;
                case MagicNumbers.CallFails:
                    await FinishUnansweredAsync("failed", 404, new SimulatedCallError(
                        InvalidPhoneNumber, "Twilio does not support calling this number or the number is invalid (simulated)."), cancellationToken);
                    return;
            }

            var outcome = await ExecuteTwimlAsync(call, cancellationToken);
            if (outcome.Error is not null)
            {
                await FinishUnansweredAsync("failed", null, outcome.Error, cancellationToken);
                return;
            }

            var answeredAt = DateTimeOffset.UtcNow;
            call = Update(c => c with { Status = "in-progress", StartTime = answeredAt });
            if (call is null) return;
            await NotifyAsync(TwilioCallEvents.Answered, call, "in-progress", cancellationToken);

            await Task.Delay(delay, cancellationToken);
            var duration = EstimateDuration(outcome.SpokenCharacters, outcome.Plays);
            var minutes = SimulatorOptions.StartedMinutes(duration);
            call = Update(c => c with
            {
                Status = "completed",
                EndTime = answeredAt.AddSeconds(duration),
                Duration = SimulatorWire.Number(duration),
                Price = owner.Options.Value.CallPrice(duration),
                PriceUnit = "USD",
            });
            if (call is null) return;
            await NotifyAsync(TwilioCallEvents.Completed, call, "completed", cancellationToken,
                [new("CallDuration", SimulatorWire.Number(duration)), new("Duration", SimulatorWire.Number(minutes)), new("SipResponseCode", "200")]);
        }

        private async Task FinishUnansweredAsync(string status, int? sipCode, SimulatedCallError? error, CancellationToken cancellationToken)
        {
            var now = DateTimeOffset.UtcNow;
            var call = Update(c => c with { Status = status, EndTime = now, Duration = null, Price = null });
            if (call is null) return;
            if (error is not null) owner.Ledger.RecordCallError(sid, error);

            var extra = new List<KeyValuePair<string, string>> { new("CallDuration", "0"), new("Duration", "0") };
            if (sipCode is int code) extra.Add(new("SipResponseCode", SimulatorWire.Number(code)));
            if (error is not null)
            {
                extra.Add(new("ErrorCode", SimulatorWire.Number(error.Code)));
                extra.Add(new("ErrorMessage", error.Message));
            }

            await NotifyAsync(TwilioCallEvents.Completed, call, status, cancellationToken, extra);
        }

        /// <summary>Fetches and checks the call's instructions as Twilio would when the call is answered.</summary>
        private async Task<Outcome> ExecuteTwimlAsync(TwilioCall call, CancellationToken cancellationToken)
        {
            string document;
            if (instructions.Url is { } url)
            {
                var response = await owner.Http.SendSignedAsync("twiml", url, instructions.Method, VoiceFields(call, "in-progress"), authToken, cancellationToken);
                if (!response.IsSuccess)
                {
                    var what = response.Status is int status ? $"the server answered {status}" : response.Error;
                    return Failed(RetrievalFailure, $"HTTP retrieval failure: {url}: {what}.");
                }

                var mediaType = response.ContentType?.Split(';', 2)[0].Trim().ToLowerInvariant();
                if (mediaType is not null && mediaType.StartsWith("audio/", StringComparison.Ordinal)) return new Outcome(0, 1, null);
                if (mediaType == "text/plain") return new Outcome(response.Body.Trim().Length, 0, null);
                if (mediaType is not (null or "text/xml" or "application/xml" or "text/html"))
                {
                    return Failed(InvalidContentType, $"Invalid content type '{mediaType}' for TwiML at {url}.");
                }

                document = response.Body;
            }
            else
            {
                document = instructions.Twiml ?? "";
            }

            var validation = TwimlDocument.Validate(document, TwimlKind.Voice);
            if (!validation.IsValid)
            {
                return Failed(validation.ErrorCode ?? TwimlDocument.SchemaErrorCode, validation.Error ?? "Invalid TwiML.");
            }

            var root = XDocument.Parse(document).Root!;
            var spoken = root.Descendants("Say").Sum(say => say.Value.Trim().Length);
            var plays = root.Descendants("Play").Select(play => play.Value.Trim()).Where(text => text.Length > 0).ToList();
            foreach (var play in plays)
            {
                var problem = await CheckMediaAsync(play, cancellationToken);
                if (problem is not null) return new Outcome(spoken, plays.Count, problem);
            }

            return new Outcome(spoken, plays.Count, null);
        }

        private async Task<SimulatedCallError?> CheckMediaAsync(string playUrl, CancellationToken cancellationToken)
        {
            if (!Uri.TryCreate(playUrl, UriKind.Absolute, out var target) && instructions.Url is { } documentUrl)
            {
                Uri.TryCreate(new Uri(documentUrl), playUrl, out target);
            }

            if (target is null || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps))
            {
                return new SimulatedCallError(InvalidUrl, $"Invalid URL format in <Play>: {playUrl}");
            }

            var response = await owner.Http.GetMediaAsync(target.AbsoluteUri, cancellationToken);
            var mediaType = response.ContentType?.Split(';', 2)[0].Trim();
            if (response.Status == 200 && mediaType is not null && mediaType.StartsWith("audio/", StringComparison.OrdinalIgnoreCase)) return null;

            var what = response.Status is int status ? $"answered {status} {mediaType ?? "(no content type)"}" : response.Error;
            return new SimulatedCallError(RetrievalFailure, $"HTTP retrieval failure: <Play> {target.AbsoluteUri} {what}; an audio file was expected.");
        }

        private static Outcome Failed(int code, string message) => new(0, 0, new SimulatedCallError(code, message));

        private TwilioCall? Update(Func<TwilioCall, TwilioCall> change)
        {
            var now = DateTimeOffset.UtcNow;
            return owner.Ledger.UpdateCall(sid, c => change(c) with { DateUpdated = now });
        }

        private async Task NotifyAsync(
            string callbackEvent, TwilioCall call, string callStatus, CancellationToken cancellationToken, IReadOnlyList<KeyValuePair<string, string>>? extra = null)
        {
            if (instructions.StatusCallback is not { } url || !instructions.Events.Contains(callbackEvent, StringComparer.Ordinal)) return;

            var fields = VoiceFields(call, callStatus);
            fields.Add(new("CallbackSource", "call-progress-events"));
            fields.Add(new("SequenceNumber", SimulatorWire.Number(_sequence++)));
            fields.Add(new("Timestamp", Rfc2822DateConverter.Format(DateTimeOffset.UtcNow)));
            fields.AddRange(extra ?? []);
            await owner.Http.SendSignedAsync("call-status", url, instructions.StatusCallbackMethod, fields, authToken, cancellationToken);
        }

        /// <summary>The standard voice request fields (see docs/twilio.md, "Status callbacks").</summary>
        private static List<KeyValuePair<string, string>> VoiceFields(TwilioCall call, string callStatus) =>
        [
            new("AccountSid", call.AccountSid!),
            new("ApiVersion", SimulatorWire.ApiVersion),
            new("CallSid", call.Sid),
            new("CallStatus", callStatus),
            new("Called", call.To!),
            new("Caller", call.From!),
            new("Direction", "outbound-api"),
            new("From", call.From!),
            new("To", call.To!),
        ];
    }
}

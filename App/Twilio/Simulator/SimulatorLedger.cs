using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace App.Twilio.Simulator;

/// <summary>A request the simulator made to the app (status callback, TwiML or media fetch, inbound webhook).</summary>
/// <param name="Kind">message-status, call-status, twiml, media, inbound-sms or inbound-call.</param>
/// <param name="Status">The HTTP status received, or null when no answer came (connection failure or timeout).</param>
/// <param name="Attempts">2 when the first connection failed and the request was repeated once.</param>
public sealed record SimulatorDelivery(
    string Kind, string Method, string Url, IReadOnlyList<KeyValuePair<string, string>> Parameters, int? Status, string? Error, int Attempts, DateTimeOffset At);

/// <summary>Why a simulated call failed (calls have no error fields in Twilio's resource; callbacks carry them here).</summary>
public sealed record SimulatedCallError(int Code, string Message);

/// <summary>
/// The simulator's memory: every message and call it created (per account), create attempts per <c>To</c>, and what it
/// sent back to the app. Tests read it to assert "exactly one send"; nothing here survives a restart.
/// </summary>
public sealed class SimulatorLedger(IOptions<SimulatorOptions> options)
{
    private const int MaxDeliveries = 2000;

    private readonly ConcurrentDictionary<string, Stored<TwilioMessage>> _messages = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Stored<TwilioCall>> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SimulatedCallError> _callErrors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _throttled = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SimulatorDelivery> _deliveries = new();
    private readonly Lock _addLock = new();
    private long _sequence;
    private int _createdMessages;
    private int _createdCalls;

    /// <summary>Outbound messages created through the REST API (inbound test messages are not counted).</summary>
    public int CreatedMessages => Volatile.Read(ref _createdMessages);

    public int CreatedCalls => Volatile.Read(ref _createdCalls);

    /// <summary>Every message in memory by SID, as a fetch would show it now.</summary>
    public IReadOnlyDictionary<string, TwilioMessage> Messages => _messages.ToDictionary(p => p.Key, p => p.Value.Resource, StringComparer.Ordinal);

    public IReadOnlyDictionary<string, TwilioCall> Calls => _calls.ToDictionary(p => p.Key, p => p.Value.Resource, StringComparer.Ordinal);

    /// <summary>The reason each failed call failed, by call SID.</summary>
    public IReadOnlyDictionary<string, SimulatedCallError> CallErrors => _callErrors;

    /// <summary>The most recent requests the simulator made to the app, oldest first.</summary>
    public IReadOnlyList<SimulatorDelivery> Deliveries => [.. _deliveries];

    /// <summary>Create requests (messages and calls, accepted or not) that named this <c>To</c>, after authentication.</summary>
    public int CreateAttempts(string to) => _attempts.TryGetValue(to, out var count) ? count : 0;

    internal void RecordAttempt(string to) => _attempts.AddOrUpdate(to, 1, (_, count) => count + 1);

    /// <summary>True the first time a key is seen (that attempt is throttled), false afterwards.</summary>
    internal bool ThrottleFirst(string key) => _throttled.TryAdd(key, 0);

    internal void AddMessage(TwilioMessage message, bool countAsCreated)
    {
        Add(_messages, message.Sid, message);
        if (countAsCreated) Interlocked.Increment(ref _createdMessages);
    }

    internal void AddCall(TwilioCall call)
    {
        Add(_calls, call.Sid, call);
        Interlocked.Increment(ref _createdCalls);
    }

    internal TwilioMessage? FindMessage(string sid) => _messages.TryGetValue(sid, out var stored) ? stored.Resource : null;

    internal TwilioCall? FindCall(string sid) => _calls.TryGetValue(sid, out var stored) ? stored.Resource : null;

    /// <summary>Newest first, as Twilio lists.</summary>
    internal IReadOnlyList<TwilioMessage> MessagesOf(string accountSid) =>
        [.. _messages.Values.Where(s => s.Resource.AccountSid == accountSid).OrderByDescending(s => s.Sequence).Select(s => s.Resource)];

    internal IReadOnlyList<TwilioCall> CallsOf(string accountSid) =>
        [.. _calls.Values.Where(s => s.Resource.AccountSid == accountSid).OrderByDescending(s => s.Sequence).Select(s => s.Resource)];

    internal TwilioMessage? UpdateMessage(string sid, Func<TwilioMessage, TwilioMessage> change) => Update(_messages, sid, change);

    internal TwilioCall? UpdateCall(string sid, Func<TwilioCall, TwilioCall> change) => Update(_calls, sid, change);

    internal void RecordCallError(string sid, SimulatedCallError error) => _callErrors[sid] = error;

    internal void RecordDelivery(SimulatorDelivery delivery)
    {
        _deliveries.Enqueue(delivery);
        while (_deliveries.Count > MaxDeliveries && _deliveries.TryDequeue(out _))
        {
        }
    }

    private void Add<T>(ConcurrentDictionary<string, Stored<T>> store, string sid, T resource)
    {
        lock (_addLock)
        {
            store[sid] = new Stored<T>(Interlocked.Increment(ref _sequence), resource);
            var excess = store.Count - options.Value.MaxStoredItems;
            if (excess <= 0) return;
            foreach (var oldest in store.OrderBy(p => p.Value.Sequence).Take(excess).Select(p => p.Key).ToList())
            {
                store.TryRemove(oldest, out _);
                _callErrors.TryRemove(oldest, out _);
            }
        }
    }

    private static T? Update<T>(ConcurrentDictionary<string, Stored<T>> store, string sid, Func<T, T> change) where T : class
    {
        while (store.TryGetValue(sid, out var current))
        {
            var next = current with { Resource = change(current.Resource) };
            if (store.TryUpdate(sid, next, current)) return next.Resource;
        }

        return null;
    }

    private sealed record Stored<T>(long Sequence, T Resource);
}

namespace App.Features.Communication.Outbox;

/// <summary>Settings under <c>Outbox:</c>.</summary>
public sealed class OutboxOptions
{
    public const string SectionName = "Outbox";

    /// <summary>Run the background sender (tests that only check acceptance turn it off).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the worker looks for due entries when nothing woke it.</summary>
    public int PollIntervalMs { get; set; } = 1000;

    public int BatchSize { get; set; } = 50;

    /// <summary>Entries sent at the same time.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>
    /// Attempts before a send that keeps failing safely (429, connection refused, a create Twilio's records show was
    /// not made) is marked failed; <see cref="GiveUpAfterSeconds"/> must have passed too.
    /// </summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>How long after it was due a send keeps being retried at the least (2 hours): an outage fails nothing.</summary>
    public int GiveUpAfterSeconds { get; set; } = 7200;

    /// <summary>First back-off after a safe failure; doubles per attempt, at most <see cref="MaxRetryDelaySeconds"/>.</summary>
    public int RetryBaseDelayMs { get; set; } = 2000;

    /// <summary>The longest back-off, so sends resume within a minute of Twilio coming back.</summary>
    public int MaxRetryDelaySeconds { get; set; } = 60;

    /// <summary>Wait before reconciling an uncertain create against Twilio's list (Twilio needs a moment to show it).</summary>
    public int ReconcileDelayMs { get; set; } = 5000;

    /// <summary>How long a claimed entry stays locked; a worker that crashed mid-send leaves it to be reconciled after this.</summary>
    public int LockSeconds { get; set; } = 120;

    /// <summary>
    /// On shutdown, how long the Twilio requests in flight may take to finish and be recorded before they are cut off.
    /// Keep it below the host's shutdown timeout (App:ShutdownTimeoutSeconds) and Fly's kill_timeout.
    /// </summary>
    public int ShutdownGraceSeconds { get; set; } = 20;

    /// <summary>Per-tenant pacing: sends per second handed to Twilio (a runaway client must not flood it).</summary>
    public double TenantSendsPerSecond { get; set; } = 10;

    /// <summary>Rows still not final after this age are re-fetched from Twilio (missed callbacks happen).</summary>
    public int StaleAfterSeconds { get; set; } = 900;

    /// <summary>
    /// Twilio's callbacks carry no price: a finished, billable row without a cost is fetched once this many seconds
    /// after its last change (Twilio prices shortly after the end), for up to two days.
    /// </summary>
    public int CostFetchAfterSeconds { get; set; } = 120;

    /// <summary>How often the stale-row reconciliation runs.</summary>
    public int ReconcileEverySeconds { get; set; } = 60;

    public TimeSpan BackoffFor(int attempts) =>
        TimeSpan.FromMilliseconds(Math.Min(RetryBaseDelayMs * Math.Pow(2, Math.Max(0, attempts - 1)), MaxRetryDelaySeconds * 1000.0));
}

/// <summary>Wakes the worker as soon as a send is accepted, so "queued" turns into "sent" without waiting for a poll.</summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try { _signal.Release(); }
        catch (SemaphoreFullException) { /* already signalled */ }
    }

    public void Dispose() => _signal.Dispose();

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try { await _signal.WaitAsync(timeout, cancellationToken); }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
    }
}

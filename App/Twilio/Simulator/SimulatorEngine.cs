using System.Collections.Concurrent;

namespace App.Twilio.Simulator;

/// <summary>
/// Runs each message's and call's lifecycle as its own chain of delayed steps, all cancelled when the app stops
/// (<see cref="IHostApplicationLifetime.ApplicationStopping"/>, then <see cref="StopAsync"/> waits for them to unwind).
/// </summary>
public sealed class SimulatorEngine : IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<int, Task> _running = new();
    private readonly CancellationTokenSource _stopping;
    private readonly CancellationToken _token;
    private readonly ILogger<SimulatorEngine> _logger;
    private int _disposed;

    public SimulatorEngine(IHostApplicationLifetime lifetime, ILogger<SimulatorEngine> logger)
    {
        _logger = logger;
        _stopping = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        _token = _stopping.Token;
    }

    public void Run(string what, Func<CancellationToken, Task> work)
    {
        var token = _token;
        if (token.IsCancellationRequested) return;

        var task = Task.Run(async () =>
        {
            try
            {
                await work(token);
            }
            catch (Exception) when (token.IsCancellationRequested)
            {
                // The app is stopping (services may be gone already); the message or call simply stays where it was.
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Twilio simulator: the lifecycle of {What} broke off", what);
            }
        }, CancellationToken.None);
        _running[task.Id] = task;
        task.ContinueWith(done => _running.TryRemove(done.Id, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // The host may already have disposed this service: RunAsync disposes while WebApplicationFactory is still stopping.
        if (Volatile.Read(ref _disposed) == 0)
        {
            try
            {
                await _stopping.CancelAsync();
            }
            catch (ObjectDisposedException)
            {
                // Disposed meanwhile: Dispose cancelled it already.
            }
        }

        try
        {
            await Task.WhenAll(_running.Values).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Shutdown timeout reached: leave the rest behind.
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stopping.Cancel();
        _stopping.Dispose();
    }
}

using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace App.Infrastructure.Database;

/// <summary>
/// Group commit for the busiest writes (accepted sends, Twilio callbacks, audit rows). SQLite lets one transaction
/// write at a time and a commit costs far more than the few inserts inside it, so one writer takes every unit of work
/// queued meanwhile and commits them together. Each unit still gets its own fate: it runs inside a savepoint, so one
/// that throws is rolled back alone and its caller sees the exception; the others commit. A caller's task completes
/// only after the commit, so "accepted" still means "on disk" before anyone answers.
/// Units run one after another on the writer, so they must only touch the database: no HTTP, no waiting on others.
/// </summary>
public sealed class WriteBatcher(Db db, ILogger<WriteBatcher> logger) : BackgroundService
{
    /// <summary>Enough to amortise a commit; small enough that one batch never holds the write lock for long.</summary>
    public const int MaxBatchSize = 256;

    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });

    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work)
    {
        var pending = new PendingWrite<T>(work);
        if (!_queue.Writer.TryWrite(pending)) throw new InvalidOperationException("The application is stopping; nothing more is written.");
        return pending.Completion.Task;
    }

    public Task WriteAsync(Func<SqliteConnection, SqliteTransaction, Task> work) =>
        WriteAsync<bool>(async (connection, transaction) =>
        {
            await work(connection, transaction);
            return true;
        });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Stopping closes the queue but lets the writer finish what callers are already waiting for.
        await using var stopping = stoppingToken.Register(() => _queue.Writer.TryComplete());
        var batch = new List<PendingWrite>(MaxBatchSize);
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < MaxBatchSize && _queue.Reader.TryRead(out var pending)) batch.Add(pending);
            await CommitAsync(batch);
        }
    }

    private async Task CommitAsync(List<PendingWrite> batch)
    {
        try
        {
            await using var connection = await db.OpenAsync();
            await using var transaction = connection.BeginTransaction(deferred: false);
            for (var i = 0; i < batch.Count; i++)
            {
                var savepoint = "w" + i;
                transaction.Save(savepoint);
                try
                {
                    await batch[i].RunAsync(connection, transaction);
                    transaction.Release(savepoint);
                }
                catch (Exception exception)
                {
                    transaction.Rollback(savepoint);
                    transaction.Release(savepoint);
                    batch[i].Failure = exception;
                }
            }

            await transaction.CommitAsync();
        }
        catch (Exception exception)
        {
            logger.LogError(exception, "A batch of {Count} writes could not be committed", batch.Count);
            foreach (var pending in batch) pending.Failure ??= exception;
        }

        foreach (var pending in batch) pending.Finish();
    }

    private abstract class PendingWrite
    {
        public Exception? Failure { get; set; }
        public abstract Task RunAsync(SqliteConnection connection, SqliteTransaction transaction);
        public abstract void Finish();
    }

    private sealed class PendingWrite<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work) : PendingWrite
    {
        private T _result = default!;

        // Callers continue on the thread pool, never on the writer's loop.
        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task RunAsync(SqliteConnection connection, SqliteTransaction transaction) =>
            _result = await work(connection, transaction);

        public override void Finish()
        {
            if (Failure is null) Completion.SetResult(_result);
            else Completion.SetException(Failure);
        }
    }
}

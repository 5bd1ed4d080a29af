using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace App.Infrastructure.Database;

/// <summary>
/// Group commit for every write on a busy path (accepted sends, Twilio callbacks, audit rows, the outbox worker's
/// claims and outcomes, uploaded files' rows). SQLite lets one transaction write at a time, and a writer on a transaction
/// of its own would wait for that lock blocking a thread (bench/README.md, "Performance at load"); a commit also costs
/// far more than the few inserts inside it. So one writer takes every unit of work
/// queued meanwhile and commits them together. A caller's task completes only after the commit, and every commit is
/// synced to disk (synchronous = FULL, see <see cref="Db"/>), so "accepted" means "on disk" before anyone answers.
/// Each unit still gets its own fate: when one throws, the transaction is rolled back and the batch runs again without
/// it (the units before it did the same work again, the ones after it had not run yet), so its caller sees the
/// exception and the others commit. No savepoints: releasing one makes the search index flush a segment per unit.
/// Units run one after another on the writer and may run more than once, so they must only touch the database through
/// the connection they are given: no HTTP, no waiting on others, no effects outside the transaction.
/// </summary>
public sealed class WriteBatcher(Db db, ILogger<WriteBatcher> logger) : BackgroundService
{
    /// <summary>Enough to amortise a commit; small enough that one batch never holds the write lock for long.</summary>
    public const int MaxBatchSize = 256;

    /// <summary>How often the WAL is copied back into the database file, off the writer's path.</summary>
    private static readonly TimeSpan CheckpointEvery = TimeSpan.FromSeconds(1);

    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });

    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work)
    {
        var pending = new PendingWrite<T>(work);
        if (!_queue.Writer.TryWrite(pending)) throw new StoppedException();
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
        using var checkpoints = new CancellationTokenSource();
        var checkpointing = CheckpointAsync(checkpoints.Token);
        try
        {
            await WriteBatchesAsync();
        }
        finally
        {
            await checkpoints.CancelAsync();
            await checkpointing;
        }
    }

    private async Task WriteBatchesAsync()
    {
        var batch = new List<PendingWrite>(MaxBatchSize);
        SqliteConnection? connection = null;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
            {
                batch.Clear();
                while (batch.Count < MaxBatchSize && _queue.Reader.TryRead(out var pending)) batch.Add(pending);
                connection ??= await OpenWriterAsync();
                if (!await CommitAsync(connection, batch))
                {
                    // Whatever went wrong may have left the connection unusable: the next batch starts on a fresh one.
                    SqliteConnection.ClearPool(connection);
                    await connection.DisposeAsync();
                    connection = null;
                }
            }
        }
        finally
        {
            if (connection is not null) await connection.DisposeAsync();
        }
    }

    /// <summary>
    /// The writer's own connection, kept open so that its page cache stays warm: each insert touches index pages all
    /// over the file. It never checkpoints (an fsync inside a commit would stall every caller): <see cref="CheckpointAsync"/> does.
    /// </summary>
    private async Task<SqliteConnection> OpenWriterAsync()
    {
        var connection = await db.OpenAsync();
        await using var pragmas = connection.CreateCommand();
        pragmas.CommandText = "PRAGMA cache_size = -16384; PRAGMA wal_autocheckpoint = 0;"; // 16 MiB, for this one connection
        await pragmas.ExecuteNonQueryAsync();
        return connection;
    }

    private async Task<bool> CommitAsync(SqliteConnection connection, List<PendingWrite> batch)
    {
        var committed = false;
        try
        {
            var remaining = batch;
            while (remaining.Count > 0)
            {
                await using var transaction = connection.BeginTransaction(deferred: false);
                var failed = await RunUntilOneFailsAsync(connection, transaction, remaining);
                if (failed is null)
                {
                    await transaction.CommitAsync();
                    break;
                }

                await transaction.RollbackAsync();
                remaining = remaining.Where(pending => pending != failed).ToList();
            }

            committed = true;
        }
        catch (Exception exception)
        {
            logger.LogError(exception, "A batch of {Count} writes could not be committed", batch.Count);
            foreach (var pending in batch) pending.Failure ??= exception;
        }

        foreach (var pending in batch) pending.Finish();
        return committed;
    }

    /// <summary>Runs the units in order; the first one that throws keeps its exception and is returned.</summary>
    private static async Task<PendingWrite?> RunUntilOneFailsAsync(SqliteConnection connection, SqliteTransaction transaction, List<PendingWrite> units)
    {
        foreach (var pending in units)
        {
            try
            {
                await pending.RunAsync(connection, transaction);
            }
            catch (Exception exception) when (exception is not SqliteException { SqliteErrorCode: 10 or 13 }) // disk I/O error, disk full: the batch fails
            {
                pending.Failure = exception;
                return pending;
            }
        }

        return null;
    }

    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(CheckpointEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await using var connection = await db.OpenAsync(cancellationToken);
                    await using var checkpoint = connection.CreateCommand();
                    // PASSIVE: copies what it can without waiting for (or blocking) the writer and the readers.
                    checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    await checkpoint.ExecuteNonQueryAsync(cancellationToken);
                }
                catch (SqliteException exception)
                {
                    logger.LogWarning(exception, "The WAL checkpoint failed; the next one will try again");
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The application is stopping; nothing more is written.</summary>
    public sealed class StoppedException() : InvalidOperationException("The application is stopping; nothing more is written.");

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

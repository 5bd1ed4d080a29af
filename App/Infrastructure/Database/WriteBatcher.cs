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
        Writer? writer = null;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
            {
                batch.Clear();
                while (batch.Count < MaxBatchSize && _queue.Reader.TryRead(out var pending)) batch.Add(pending);
                writer ??= await Writer.OpenAsync(db);
                if (!await CommitAsync(writer, batch))
                {
                    // Whatever went wrong may have left the connection unusable: the next batch starts on a fresh one.
                    SqliteConnection.ClearPool(writer.Connection);
                    await writer.DisposeAsync();
                    writer = null;
                }
            }
        }
        finally
        {
            if (writer is not null) await writer.DisposeAsync();
        }
    }

    private async Task<bool> CommitAsync(Writer writer, List<PendingWrite> batch)
    {
        var committed = false;
        try
        {
            await using var transaction = writer.Connection.BeginTransaction(deferred: false);
            foreach (var pending in batch)
            {
                writer.Savepoint(transaction);
                try
                {
                    await pending.RunAsync(writer.Connection, transaction);
                    writer.Release();
                }
                catch (Exception exception)
                {
                    writer.RollbackToSavepoint();
                    pending.Failure = exception;
                }
            }

            await transaction.CommitAsync();
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

    /// <summary>
    /// The writer's own connection, kept open: its page cache stays warm (each insert touches index pages all over the
    /// file) and the savepoint statements, run twice per unit, are prepared once.
    /// </summary>
    private sealed class Writer : IAsyncDisposable
    {
        private readonly SqliteCommand _savepoint;
        private readonly SqliteCommand _release;
        private readonly SqliteCommand _rollback;

        private Writer(SqliteConnection connection)
        {
            Connection = connection;
            _savepoint = Command("SAVEPOINT unit");
            _release = Command("RELEASE unit");
            _rollback = Command("ROLLBACK TO unit; RELEASE unit");
        }

        public SqliteConnection Connection { get; }

        public static async Task<Writer> OpenAsync(Db db)
        {
            var connection = await db.OpenAsync();
            await using (var cacheSize = connection.CreateCommand())
            {
                cacheSize.CommandText = "PRAGMA cache_size = -65536"; // 64 MiB, for this one connection
                await cacheSize.ExecuteNonQueryAsync();
            }

            return new Writer(connection);
        }

        public void Savepoint(SqliteTransaction transaction)
        {
            _savepoint.Transaction = _release.Transaction = _rollback.Transaction = transaction;
            _savepoint.ExecuteNonQuery();
        }

        public void Release() => _release.ExecuteNonQuery();

        public void RollbackToSavepoint() => _rollback.ExecuteNonQuery();

        private SqliteCommand Command(string sql)
        {
            var command = Connection.CreateCommand();
            command.CommandText = sql;
            return command;
        }

        public async ValueTask DisposeAsync()
        {
            await _savepoint.DisposeAsync();
            await _release.DisposeAsync();
            await _rollback.DisposeAsync();
            await Connection.DisposeAsync();
        }
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

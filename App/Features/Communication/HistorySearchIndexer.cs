using Microsoft.Data.Sqlite;

namespace App.Features.Communication;

/// <summary>
/// Adds new communication_log rows to the history's trigram search index (communication_log_search) in bulk, about
/// four times a second, through the write batcher: one index flush per round instead of one per send. How far it got is
/// communication_log_search_state.indexed_through; <see cref="GetHistory"/> checks the rows after that mark directly,
/// so a search never misses a row the index has not reached yet.
/// </summary>
public sealed class HistorySearchIndexer(WriteBatcher writes, ILogger<HistorySearchIndexer> logger) : BackgroundService
{
    /// <summary>Rows per unit of work: a catch-up after downtime goes in steps that never hold the writer for long.</summary>
    public const int RowsPerRound = 2_000;

    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    while (await writes.WriteAsync(IndexNewRowsAsync) == RowsPerRound && !stoppingToken.IsCancellationRequested)
                    {
                    }
                }
                catch (Exception exception) when (exception is SqliteException or InvalidOperationException)
                {
                    logger.LogWarning(exception, "Could not add new rows to the history search index; the next round will try again");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Indexes up to <see cref="RowsPerRound"/> rows after the mark and moves it; returns how many. Runs as a unit of
    /// the write batch, so no row below the new mark can still be uncommitted.
    /// </summary>
    public static async Task<int> IndexNewRowsAsync(SqliteConnection connection, SqliteTransaction transaction)
    {
        var through = await connection.ExecuteScalarAsync<long>("SELECT indexed_through FROM communication_log_search_state", transaction: transaction);
        var last = await connection.ExecuteScalarAsync<long?>(
            "SELECT MAX(id) FROM (SELECT id FROM communication_log WHERE id > @through ORDER BY id LIMIT @RowsPerRound)",
            new { through, RowsPerRound }, transaction);
        if (last is null) return 0;

        var indexed = await connection.ExecuteAsync("""
            INSERT INTO communication_log_search (rowid, message_content, to_number, from_number)
            SELECT id, message_content, to_number, from_number FROM communication_log WHERE id > @through AND id <= @last
            """, new { through, last }, transaction);
        await connection.ExecuteAsync("UPDATE communication_log_search_state SET indexed_through = @last", new { last }, transaction);
        return indexed;
    }
}

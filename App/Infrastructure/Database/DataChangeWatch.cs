using Microsoft.Data.Sqlite;

namespace App.Infrastructure.Database;

/// <summary>
/// Tells in-process caches when another process changed what they hold. Triggers bump a row of
/// <c>change_counters</c> on every write to the tables behind a cache; <see cref="Check"/> runs before each request
/// and calls the cache's handler when its counter moved. So <c>tenant rotate-key</c> run from the command line
/// refuses the old key at the server's next request, not when a cache entry expires.
/// The check is cheap: one kept-open connection asks SQLite's <c>PRAGMA data_version</c> (no page read), which only
/// changes when some other connection committed; only then are the counters (two rows) read.
/// </summary>
public sealed class DataChangeWatch(Db db) : IDisposable
{
    public const string Tenants = "tenants";
    public const string VoiceMessages = "voice_messages";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Action>> _handlers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _seen = new(StringComparer.Ordinal);
    private SqliteConnection? _connection;
    private SqliteCommand? _dataVersion;
    private SqliteCommand? _counters;
    private long _lastDataVersion = -1;

    /// <summary>Calls <paramref name="changed"/> whenever the named counter has moved since the last check.</summary>
    public void OnChange(string counter, Action changed)
    {
        lock (_gate)
        {
            if (!_handlers.TryGetValue(counter, out var list)) _handlers[counter] = list = [];
            list.Add(changed);
        }
    }

    public void Check()
    {
        List<Action>? toCall = null;
        lock (_gate)
        {
            if (_connection is null)
            {
                _connection = db.Open();
                _dataVersion = _connection.CreateCommand();
                _dataVersion.CommandText = "PRAGMA data_version";
                _counters = _connection.CreateCommand();
                _counters.CommandText = "SELECT name, value FROM change_counters";
            }

            var dataVersion = (long)_dataVersion!.ExecuteScalar()!;
            if (dataVersion == _lastDataVersion) return;
            _lastDataVersion = dataVersion;

            using var reader = _counters!.ExecuteReader();
            while (reader.Read())
            {
                var name = reader.GetString(0);
                var value = reader.GetInt64(1);
                // The first sight of a counter also counts as a change: whatever was cached before it is dropped once.
                if (_seen.TryGetValue(name, out var seen) && seen == value) continue;
                _seen[name] = value;
                if (_handlers.TryGetValue(name, out var handlers)) (toCall ??= []).AddRange(handlers);
            }
        }

        if (toCall is null) return;
        foreach (var handler in toCall) handler();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _dataVersion?.Dispose();
            _counters?.Dispose();
            _connection?.Dispose();
            _connection = null;
        }
    }
}

public static class DataChangeWatchMiddleware
{
    /// <summary>Before each request: drop caches that another process made stale.</summary>
    public static IApplicationBuilder UseDataChangeWatch(this IApplicationBuilder app)
    {
        var watch = app.ApplicationServices.GetRequiredService<DataChangeWatch>();
        return app.Use((context, next) =>
        {
            watch.Check();
            return next(context);
        });
    }
}

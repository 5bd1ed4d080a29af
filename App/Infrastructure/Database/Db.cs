using System.Data;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace App.Infrastructure.Database;

/// <summary>
/// The one SQLite file under <c>App:DataDirectory</c>. Microsoft.Data.Sqlite pools connections,
/// so every unit of work opens its own and disposes it.
/// </summary>
public sealed class Db
{
    private readonly string _connectionString;

    public Db(DataDirectory dataDirectory)
    {
        FilePath = Path.Combine(dataDirectory.Path, "app.db");
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string FilePath { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        SetPragmasOnce(connection);
        return connection;
    }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        SetPragmasOnce(connection);
        return connection;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> HandlesWithPragmas = new();

    /// <summary>
    /// The pool hands out the same native connection again and again, and it keeps its pragmas: set them on its first
    /// use only (they cost a statement per open otherwise).
    /// synchronous = FULL: in WAL mode NORMAL lets a committed transaction roll back after a power loss or an OS crash,
    /// and a commit here answers a client (an accepted send) or tells the outbox that Twilio has a message. FULL syncs
    /// the WAL at every commit; the write batcher makes that one sync per group of requests (cost: bench/README.md).
    /// cache_size = 1 MiB (SQLite's default is 2 MB): a reader's cache is dropped whenever another connection has
    /// written, which under load is before nearly every read, so a bigger one held memory (per pooled connection) and
    /// saved nothing; the operating system's file cache keeps the pages warm (bench/README.md, "Performance at load").
    /// </summary>
    private static void SetPragmasOnce(SqliteConnection connection)
    {
        if (!HandlesWithPragmas.TryAdd(connection.Handle!, HandlesWithPragmas)) return;
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL; PRAGMA cache_size = -1024;";
        pragma.ExecuteNonQuery();
    }

    /// <summary>Timestamps are stored as sortable ISO-8601 UTC text with milliseconds.</summary>
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static int _dapperConfigured;

    /// <summary>Dapper type handlers, registered once per process.</summary>
    public static void ConfigureDapper()
    {
        if (Interlocked.Exchange(ref _dapperConfigured, 1) == 1) return;
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
        SqlMapper.RemoveTypeMap(typeof(Guid));
        SqlMapper.RemoveTypeMap(typeof(Guid?));
        SqlMapper.AddTypeHandler(new GuidHandler());
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    private sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = Timestamp(value);
        }

        public override DateTimeOffset Parse(object value) => value switch
        {
            string text => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
            DateTime dateTime => new DateTimeOffset(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc)),
            _ => throw new DataException($"Cannot read {value.GetType().Name} as a timestamp."),
        };
    }

    private sealed class GuidHandler : SqlMapper.TypeHandler<Guid>
    {
        public override void SetValue(IDbDataParameter parameter, Guid value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = value.ToString("D");
        }

        public override Guid Parse(object value) => Guid.Parse((string)value, CultureInfo.InvariantCulture);
    }
}

/// <summary>Where the database, uploaded files and the Data Protection key ring live (<c>App:DataDirectory</c>).</summary>
public sealed record DataDirectory(string Path)
{
    public static DataDirectory From(IConfiguration configuration)
    {
        var configured = configuration["App:DataDirectory"];
        var path = System.IO.Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? "./data" : configured);
        Directory.CreateDirectory(path);
        return new DataDirectory(path);
    }
}

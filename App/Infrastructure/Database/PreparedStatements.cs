using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace App.Infrastructure.Database;

/// <summary>
/// Statements compiled once per connection and run again with new values, for the few statements the write batcher
/// runs thousands of times a second (a send's inserts, its audit row). Microsoft.Data.Sqlite compiles the SQL of every
/// new command, and Dapper makes a new command for every call; on the single writer that compiling was a good part of
/// each send. Parameters come from an object's public properties, like Dapper's (<c>@Name</c> for property Name).
/// Only plain values: text, numbers, null.
/// </summary>
public static class PreparedStatements
{
    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteCommand>> Commands = new();
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();

    public static int Execute(SqliteConnection connection, SqliteTransaction transaction, string sql, object parameters) =>
        Bind(connection, transaction, sql, parameters).ExecuteNonQuery();

    /// <summary>The first column of the first row; default (null for a nullable T) when there is no row or it is NULL.</summary>
    public static T ExecuteScalar<T>(SqliteConnection connection, SqliteTransaction transaction, string sql, object parameters)
    {
        var value = Bind(connection, transaction, sql, parameters).ExecuteScalar();
        if (value is null or DBNull) return default!;
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        return (T)Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static SqliteCommand Bind(SqliteConnection connection, SqliteTransaction transaction, string sql, object parameters)
    {
        // The writer is one thread: a connection's commands are never used by two at once.
        var commands = Commands.GetOrCreateValue(connection);
        var properties = Properties.GetOrAdd(parameters.GetType(), type => type.GetProperties(BindingFlags.Public | BindingFlags.Instance));
        if (!commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var property in properties)
            {
                if (sql.Contains("@" + property.Name, StringComparison.Ordinal)) command.Parameters.Add(new SqliteParameter("@" + property.Name, null));
            }

            commands[sql] = command;
        }

        command.Transaction = transaction;
        foreach (var property in properties)
        {
            var name = "@" + property.Name;
            if (command.Parameters.Contains(name)) command.Parameters[name].Value = property.GetValue(parameters) ?? DBNull.Value;
        }

        return command;
    }
}

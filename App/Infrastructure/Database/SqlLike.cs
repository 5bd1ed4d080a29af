namespace App.Infrastructure.Database;

/// <summary>User text inside a LIKE pattern, matched as typed: every query that uses it says <c>ESCAPE '\'</c>.</summary>
public static class SqlLike
{
    /// <summary>The text with <c>\</c>, <c>%</c> and <c>_</c> escaped, so that none of them acts as a wildcard.</summary>
    public static string Escape(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);

    /// <summary>A pattern that finds the text anywhere in a column.</summary>
    public static string Containing(string text) => "%" + Escape(text) + "%";
}

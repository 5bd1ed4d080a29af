using System.Globalization;
using System.Text;

namespace App.Infrastructure.Web;

/// <summary>
/// Query filters that several list endpoints take, accepted and refused the same way by all of them: each returns
/// the 400 VALIDATION_ERROR naming the field, or null when the value is usable (an empty value means no filter).
/// </summary>
public static class ListFilters
{
    public const string DateMessage = "Use a date (2024-01-31) or an ISO-8601 time.";
    public const string IsActiveMessage = "is_active is true or false.";

    /// <summary>is_active: true/false or 1/0, in any case.</summary>
    public static IResult? IsActive(string? text, out bool? isActive)
    {
        isActive = text?.Trim().ToLowerInvariant() switch
        {
            null or "" => null,
            "true" or "1" => true,
            "false" or "0" => false,
            _ => null,
        };
        return isActive is null && !string.IsNullOrWhiteSpace(text) ? Validation.Problem("is_active", IsActiveMessage) : null;
    }

    /// <summary>date_from: a plain date is that day's start (UTC); a time without an offset is UTC.</summary>
    public static IResult? DateFrom(string? text, out DateTimeOffset? from) =>
        TryParseBound(text, endOfDay: false, out from) ? null : Validation.Problem("date_from", DateMessage);

    /// <summary>date_to, exclusive: a plain date takes in the whole day (the bound is the next midnight, UTC).</summary>
    public static IResult? DateTo(string? text, out DateTimeOffset? to) =>
        TryParseBound(text, endOfDay: true, out to) ? null : Validation.Problem("date_to", DateMessage);

    /// <summary>
    /// Appends the half-open range <c>from &lt;= column &lt; to</c> to a WHERE clause for whichever bounds have a value,
    /// with their parameters under the names given.
    /// </summary>
    public static StringBuilder AppendRange(this StringBuilder where, DynamicParameters parameters, string column,
        (string Name, string? Value) from, (string Name, string? Value) to)
    {
        if (from.Value is not null)
        {
            where.Append(CultureInfo.InvariantCulture, $" AND {column} >= @{from.Name}");
            parameters.Add(from.Name, from.Value);
        }

        if (to.Value is not null)
        {
            where.Append(CultureInfo.InvariantCulture, $" AND {column} < @{to.Name}");
            parameters.Add(to.Name, to.Value);
        }

        return where;
    }

    private static bool TryParseBound(string? text, bool endOfDay, out DateTimeOffset? bound)
    {
        bound = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            bound = new DateTimeOffset((endOfDay ? day.AddDays(1) : day).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return true;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return false;
        bound = at;
        return true;
    }
}

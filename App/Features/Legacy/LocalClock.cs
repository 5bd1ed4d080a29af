namespace App.Features.Legacy;

/// <summary>
/// Legacy Date/Time values are the server's local wall-clock time with no zone: read them in the given zone. A time
/// that happened twice (the hour clocks go back) is read as the earlier moment and counted; one that never happened
/// (the hour clocks skip) is read with the offset in force just before it.
/// </summary>
internal sealed class LocalClock(TimeZoneInfo zone, ImportReport report)
{
    public string? Utc(LegacyRow row, string column, long? id)
    {
        var local = row.LocalTime(column);
        if (local is null)
        {
            if (row.Text(column) is { } unreadable)
                report.Add(row.Table, id, "unreadable_value", $"{column} '{unreadable}' is not a date; imported without it.");
            return null;
        }

        var time = local.Value;
        TimeSpan offset;
        if (zone.IsAmbiguousTime(time))
        {
            offset = zone.GetAmbiguousTimeOffsets(time).Max();
            report.AmbiguousLocalTimes++;
            report.Add(row.Table, id, "ambiguous_local_time",
                $"{column} {time:yyyy-MM-dd HH:mm:ss} happened twice in {zone.Id}; read as the earlier moment (UTC{offset:\\+hh\\:mm}).");
        }
        else if (zone.IsInvalidTime(time))
        {
            offset = zone.GetUtcOffset(time.AddHours(-12));
            report.Add(row.Table, id, "nonexistent_local_time",
                $"{column} {time:yyyy-MM-dd HH:mm:ss} does not exist in {zone.Id} (clocks skipped it); read with the offset before the change.");
        }
        else
        {
            offset = zone.GetUtcOffset(time);
        }

        return Db.Timestamp(new DateTimeOffset(time, offset));
    }
}

using System.Globalization;

namespace App.Features.Sending;

/// <summary>
/// The tenant's quiet hours (<c>settings.quiet_hours</c>, wall-clock windows in the tenant's time zone): campaign rows
/// and scheduled sends that fall inside one wait until it ends. Windows that follow one another (Friday night, then
/// all of Saturday) are crossed in one go.
/// </summary>
public static class QuietHours
{
    /// <summary>At most this many windows follow one another (a whole week of them).</summary>
    private const int MaxHops = 16;

    /// <summary>The first moment at or after <paramref name="at"/> outside every quiet window.</summary>
    public static DateTimeOffset NextAllowed(TenantSettings settings, DateTimeOffset at)
    {
        if (settings.QuietHours.Count == 0) return at;
        var zone = Zone(settings.TimeZone);
        var moment = at;
        for (var hop = 0; hop < MaxHops; hop++)
        {
            if (EndOfWindowAround(settings.QuietHours, zone, moment) is not { } end) return moment;
            moment = end;
        }

        return moment;
    }

    public static bool IsQuiet(TenantSettings settings, DateTimeOffset at) => NextAllowed(settings, at) > at;

    /// <summary>
    /// A window belongs to the day it starts on, so the windows around a moment started on its local day or the day
    /// before. The latest end among those that hold it.
    /// </summary>
    private static DateTimeOffset? EndOfWindowAround(IReadOnlyList<QuietWindow> windows, TimeZoneInfo zone, DateTimeOffset moment)
    {
        var local = TimeZoneInfo.ConvertTime(moment, zone).DateTime;
        DateTimeOffset? latest = null;
        foreach (var day in new[] { local.Date.AddDays(-1), local.Date })
        {
            var dayName = QuietWindow.DayNames[(int)day.DayOfWeek];
            foreach (var window in windows)
            {
                if (!window.Days.Any(d => string.Equals(d, dayName, StringComparison.OrdinalIgnoreCase))) continue;
                var from = Time(window.From);
                var to = Time(window.To);
                var start = day + from;
                var end = to > from ? day + to : day.AddDays(1) + to;
                if (local < start || local >= end) continue;
                var instant = Instant(end, zone);
                if (latest is null || instant > latest) latest = instant;
            }
        }

        return latest;
    }

    private static TimeSpan Time(string hhmm) =>
        TimeOnly.ParseExact(hhmm, "HH:mm", CultureInfo.InvariantCulture).ToTimeSpan();

    /// <summary>A wall-clock time as an instant: in a spring-forward gap the first valid time after it, when the clock goes back the first of the two.</summary>
    private static DateTimeOffset Instant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(30);
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    public static TimeZoneInfo Zone(string? id) =>
        id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
}

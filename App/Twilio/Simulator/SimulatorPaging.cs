using System.Globalization;
using System.Text.Json.Nodes;

namespace App.Twilio.Simulator;

/// <summary>
/// Twilio's list pages (<c>page</c>, <c>page_size</c>, <c>start</c>, <c>end</c>, <c>uri</c>, <c>first_page_uri</c>,
/// <c>next_page_uri</c>, <c>previous_page_uri</c>) and its date filters (<c>Name</c>, <c>Name&lt;</c>, <c>Name&gt;</c>: GMT
/// days, inclusive). URIs are relative to the API host, as Twilio writes them.
/// </summary>
internal static class SimulatorPaging
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    public sealed record DayFilter(DateOnly? On, DateOnly? OnOrBefore, DateOnly? OnOrAfter)
    {
        public bool Matches(DateTimeOffset? value)
        {
            if (On is null && OnOrBefore is null && OnOrAfter is null) return true;
            if (value is null) return false;
            var day = DateOnly.FromDateTime(value.Value.UtcDateTime);
            return (On is null || day == On) && (OnOrBefore is null || day <= OnOrBefore) && (OnOrAfter is null || day >= OnOrAfter);
        }
    }

    /// <summary>Reads <c>name</c>, <c>name&lt;</c> and <c>name&gt;</c>; null (and an error text) when one is not a date.</summary>
    public static DayFilter? Days(IQueryCollection query, string name, out string? error)
    {
        error = null;
        DateOnly? Read(string key, ref string? problem)
        {
            var text = query[key].ToString();
            if (string.IsNullOrEmpty(text)) return null;
            // Twilio takes YYYY-MM-DD; a full timestamp is cut to its day.
            if (DateOnly.TryParseExact(text.Length > 10 ? text[..10] : text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
            problem = $"Invalid {key} value: {text}";
            return null;
        }

        var filter = new DayFilter(Read(name, ref error), Read(name + "<", ref error), Read(name + ">", ref error));
        return error is null ? filter : null;
    }

    /// <summary>Cuts one page out of the filtered, newest-first items and writes the page object.</summary>
    public static IResult Page<T>(
        HttpRequest request, string listPath, string itemsName, IReadOnlyList<T> items, Func<T, string> sidOf, Func<T, JsonNode> toJson)
    {
        var query = request.Query;
        var pageSize = DefaultPageSize;
        if (query.TryGetValue("PageSize", out var sizeText) && (!int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxPageSize))
        {
            return SimulatorWire.BadRequest(20001, $"Invalid PageSize value: {sizeText}. It must be 1 to {MaxPageSize}.");
        }

        var page = 0;
        if (query.TryGetValue("Page", out var pageText) && (!int.TryParse(pageText, NumberStyles.None, CultureInfo.InvariantCulture, out page)))
        {
            return SimulatorWire.BadRequest(20001, $"Invalid Page value: {pageText}");
        }

        // A PageToken names the last item of the previous page, so items created meanwhile do not shift the pages.
        var start = page * pageSize;
        var pageToken = query["PageToken"].ToString();
        if (pageToken.StartsWith("PA", StringComparison.Ordinal))
        {
            var after = pageToken[2..];
            for (var i = 0; i < items.Count; i++)
            {
                if (sidOf(items[i]) == after)
                {
                    start = i + 1;
                    break;
                }
            }
        }

        var slice = items.Skip(start).Take(pageSize).ToList();
        var filters = query
            .Where(p => p.Key is not "Page" and not "PageSize" and not "PageToken")
            .SelectMany(p => p.Value.Select(v => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(v ?? "")))
            .ToList();
        string PageUri(int number, string? token)
        {
            var parts = new List<string>(filters) { $"PageSize={pageSize}", $"Page={number}" };
            if (token is not null) parts.Add("PageToken=" + Uri.EscapeDataString(token));
            return listPath + "?" + string.Join('&', parts);
        }

        var hasNext = start + slice.Count < items.Count;
        var body = new JsonObject
        {
            ["first_page_uri"] = PageUri(0, null),
            ["end"] = slice.Count == 0 ? start : start + slice.Count - 1,
            ["previous_page_uri"] = page > 0 ? PageUri(page - 1, null) : null,
            [itemsName] = new JsonArray([.. slice.Select(toJson)]),
            ["uri"] = PageUri(page, string.IsNullOrEmpty(pageToken) ? null : pageToken),
            ["page_size"] = pageSize,
            ["start"] = start,
            ["next_page_uri"] = hasNext ? PageUri(page + 1, "PA" + sidOf(slice[^1])) : null,
            ["page"] = page,
        };
        return SimulatorWire.Json(body, StatusCodes.Status200OK);
    }
}

// bench/BenchTool: helpers for bench/run.sh. See BenchTool.csproj for the commands.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using App.Features.Communication;
using App.Infrastructure.Database;
using App.Twilio;
using App.Twilio.Simulator;
using Dapper;
using Microsoft.Data.Sqlite;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: BenchTool sign-callbacks|latency|sql-timing --option value ...");
    return 2;
}

var options = Options.Parse(args.Skip(1));
return args[0] switch
{
    "sign-callbacks" => SignCallbacks.Run(options),
    "latency" => await Latency.RunAsync(options),
    "sql-timing" => SqlTiming.Run(options),
    _ => 2,
};

/// <summary>--name value pairs.</summary>
internal sealed class Options(Dictionary<string, string> values)
{
    public static Options Parse(IEnumerable<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string? name = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal)) name = arg[2..];
            else if (name is not null)
            {
                values[name] = arg;
                name = null;
            }
        }

        return new Options(values);
    }

    public string this[string name] => values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required");

    public int Int(string name, int fallback) => values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}

/// <summary>The history filter combinations measured over HTTP and straight on the database.</summary>
internal static class HistoryCases
{
    public sealed record Case(string Label, string Query, GetHistory.Filters Filters);

    /// <summary>A recipient that the seed (bench/sql/seed-history.sql) gives ~45 rows.</summary>
    public const string KnownNumber = "+12125550042";

    public static readonly IReadOnlyList<Case> All =
    [
        new("type=sms & status=delivered", "type=sms&status=delivered", new("sms", null, "delivered", null, null, null, null, null)),
        new("no filter", "", new(null, null, null, null, null, null, null, null)),
        new("type=call & status=no-answer,busy", "type=call&status=no-answer,busy", new("call", null, "no-answer,busy", null, null, null, null, null)),
        new("direction=inbound", "direction=inbound", new(null, "inbound", null, null, null, null, null, null)),
        new("to=full number", "to=%2B12125550042", new(null, null, null, KnownNumber, null, null, null, null)),
        new("to=number fragment", "to=5550042", new(null, null, null, "5550042", null, null, null, null)),
        new("date range (June 2026)", "date_from=2026-06-01&date_to=2026-06-30", new(null, null, null, null, null, "2026-06-01", "2026-06-30", null)),
        new("sms+failed+September 2026", "type=sms&status=failed&date_from=2026-09-01&date_to=2026-09-30", new("sms", null, "failed", null, null, "2026-09-01", "2026-09-30", null)),
        new("q=invoice (free text)", "q=invoice", new(null, null, null, null, null, null, null, "invoice")),
        new("date range starting and ending mid-day", "date_from=2026-06-01T10:30:00Z&date_to=2026-06-30T18:00:00Z", new(null, null, null, null, null, "2026-06-01T10:30:00Z", "2026-06-30T18:00:00Z", null)),
        new("q=start of a SID", "q=SM000000000000000000000000000f42", new(null, null, null, null, null, null, null, "SM000000000000000000000000000f42")),
    ];
}

/// <summary>Signed SMS status callbacks ("sent" then "delivered") for every SMS row of a tenant that has a SID.</summary>
internal static class SignCallbacks
{
    public static int Run(Options o)
    {
        var dataDirectory = Path.GetFullPath(o["data"]);
        var tenant = o["tenant"];
        var baseUrl = o["base-url"].TrimEnd('/');
        var accounts = new SimulatedAccounts(new DataDirectory(dataDirectory));
        var credentials = accounts.CredentialsFor(tenant);
        var token = accounts.AuthTokenFor(tenant);

        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "app.db")};Mode=ReadOnly");
        connection.Open();
        var rows = connection.Query<(long Id, string Sid, string To, string From)>("""
            SELECT id, twilio_sid, to_number, from_number FROM communication_log
            WHERE tenant_id = @tenant AND network_type = 'sms' AND direction = 'outbound' AND twilio_sid IS NOT NULL ORDER BY id
            """, new { tenant }).AsList();

        using var writer = new StreamWriter(o["out"], false, new UTF8Encoding(false)) { NewLine = "\n" };
        var lines = 0;
        foreach (var row in rows)
        {
            foreach (var status in (string[])["sent", "delivered"])
            {
                var path = $"/webhooks/twilio/{tenant}/sms?log={row.Id}";
                // The fields Twilio posts with a message status callback.
                List<KeyValuePair<string, string>> parameters =
                [
                    new("SmsSid", row.Sid), new("SmsStatus", status), new("MessageStatus", status), new("To", row.To),
                    new("MessageSid", row.Sid), new("AccountSid", credentials.AccountSid), new("From", row.From), new("ApiVersion", "2010-04-01"),
                ];
                var signature = TwilioSignature.Compute(baseUrl + path, parameters, token);
                var body = string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
                writer.WriteLine($"{path}\t{signature}\t{body}");
                lines++;
            }
        }

        Console.WriteLine($"{lines} signed callbacks for {rows.Count} rows of tenant '{tenant}' -> {o["out"]}");
        return rows.Count > 0 ? 0 : 1;
    }
}

/// <summary>Sequential GETs over one keep-alive connection: client-side percentiles and the server-side mean.</summary>
internal static class Latency
{
    public static async Task<int> RunAsync(Options o)
    {
        var baseUrl = o["base-url"].TrimEnd('/');
        var requests = o.Int("requests", 200);
        var warmup = o.Int("warmup", 20);
        var maxSeconds = o.Int("max-seconds", 30);
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1, UseCookies = false })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
        client.DefaultRequestHeaders.Add("X-API-Key", o["api-key"]);

        Console.WriteLine("| filters | query | total_items | n | p50 ms | p95 ms | p99 ms | max ms | server mean ms |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        var failed = false;
        var fast = 0;
        foreach (var c in HistoryCases.All)
        {
            var url = $"{baseUrl}/api/communication/history?{(c.Query.Length > 0 ? c.Query + "&" : "")}per_page=20";
            long? total = null;
            for (var i = 0; i < warmup; i++)
            {
                using var response = await client.GetAsync(url);
                var json = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode)
                {
                    Console.Error.WriteLine($"{url} answered {(int)response.StatusCode}: {json}");
                    failed = true;
                    break;
                }

                total ??= JsonDocument.Parse(json).RootElement.GetProperty("pagination").GetProperty("total_items").GetInt64();
            }

            var before = await ServerSide(client, baseUrl);
            var times = new List<double>();
            var clock = Stopwatch.StartNew();
            while (times.Count < requests && clock.Elapsed.TotalSeconds < maxSeconds)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync(url);
                _ = await response.Content.ReadAsByteArrayAsync();
                times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (!response.IsSuccessStatusCode) failed = true;
            }

            var after = await ServerSide(client, baseUrl);
            var serverMean = after.Count > before.Count ? (after.Sum - before.Sum) * 1000 / (after.Count - before.Count) : double.NaN;
            times.Sort();
            if (Pct(times, 95) < 20) fast++;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {c.Label} | `{(c.Query.Length > 0 ? c.Query : "-")}` | {total} | {times.Count} | {Pct(times, 50):0.0} | {Pct(times, 95):0.0} | {Pct(times, 99):0.0} | {times[^1]:0.0} | {serverMean:0.0} |"));
        }

        Console.WriteLine();
        Console.WriteLine($"**{fast} of {HistoryCases.All.Count} filter combinations answer the first page in < 20 ms (p95, client-side); " +
                          $"goal (< 20 ms): {(fast == HistoryCases.All.Count ? "MET" : "MISSED")}**");
        return failed ? 1 : 0;
    }

    private static double Pct(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>prometheus-net's duration histogram for the history route (sum in seconds, count), 200s only.</summary>
    private static async Task<(double Sum, double Count)> ServerSide(HttpClient client, string baseUrl)
    {
        double sum = 0, count = 0;
        var text = await client.GetStringAsync(baseUrl + "/metrics");
        foreach (var line in text.Split('\n'))
        {
            if (!line.Contains("endpoint=\"/api/communication/history\"", StringComparison.Ordinal) || !line.Contains("code=\"200\"", StringComparison.Ordinal)) continue;
            var value = double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            if (line.StartsWith("http_request_duration_seconds_sum", StringComparison.Ordinal)) sum += value;
            else if (line.StartsWith("http_request_duration_seconds_count", StringComparison.Ordinal)) count += value;
        }

        return (sum, count);
    }
}

/// <summary>
/// The history endpoint's two steps (the total for the pagination block, then the page) timed straight on the file,
/// with App's own code (HistoryQuery.Build and HistoryPage.ReadAsync), the path the total took and SQLite's plans.
/// </summary>
internal static class SqlTiming
{
    public static int Run(Options o)
    {
        Db.ConfigureDapper();
        var runs = o.Int("runs", 10);
        using var connection = new SqliteConnection($"Data Source={Path.GetFullPath(o["db"])};Mode={(o.Int("writable", 0) == 1 ? "ReadWrite" : "ReadOnly")}");
        connection.Open();
        if (TryGet(o, "setup") is { } setup)
        {
            var clock = Stopwatch.StartNew();
            connection.Execute(setup, commandTimeout: 3600, commandType: System.Data.CommandType.Text);
            Console.WriteLine($"setup ({clock.Elapsed.TotalSeconds:0.0} s): {setup}");
        }

        Console.WriteLine("| filters | total_items | total from | total + page ms (median) | plan: page or matches |");
        Console.WriteLine("|---|---:|---|---:|---|");
        var paging = App.Infrastructure.Web.PageRequest.From(1, 20);
        foreach (var c in HistoryCases.All)
        {
            var (query, problem) = HistoryQuery.Build(o["tenant"], c.Filters);
            if (problem is not null) throw new InvalidOperationException($"{c.Label}: refused");
            var total = default(HistoryTotal);
            var ms = Median(runs, () => total = HistoryPage.ReadAsync(connection, query, paging, null).GetAwaiter().GetResult().Total);
            var from = query.HasSubstringFilter ? (query.Match is null ? "LIKE" : "trigram index") + (total.IsLowerBound ? ", capped: page by LIKE" : "")
                : query.CounterWhere is not null ? "daily counters" : "COUNT";
            var parameters = new DynamicParameters(query.Parameters);
            parameters.Add("limit", 20);
            parameters.Add("offset", 0);
            var planSql = query.HasSubstringFilter && !total.IsLowerBound && query.Match is not null
                ? $"SELECT communication_log.id, communication_log.created_at FROM {HistoryQuery.Source(query, useIndex: true)} WHERE {query.Where} LIMIT {GetHistory.CountLimit + 1}"
                : $"SELECT {HistoryItem.Columns} FROM communication_log WHERE {query.Where} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {c.Label} | {total.Items}{(total.IsLowerBound ? "+" : "")} | {from} | {ms:0.0} | {Plan(connection, planSql, parameters)} |"));
        }

        return 0;
    }

    private static string? TryGet(Options o, string name)
    {
        try { return o[name]; }
        catch (ArgumentException) { return null; }
    }

    private static double Median(int runs, Action action)
    {
        action(); // warm the page cache
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    private static string Plan(SqliteConnection connection, string sql, DynamicParameters parameters) =>
        string.Join("; ", connection.Query<(long Id, long Parent, long NotUsed, string Detail)>("EXPLAIN QUERY PLAN " + sql, parameters)
            .Select(r => r.Detail));
}

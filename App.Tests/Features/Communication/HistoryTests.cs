using System.Globalization;
using App.Tests.Support;
using Dapper;

namespace App.Tests.Features.Communication;

public sealed class HistoryTests(AppFactory factory) : IClassFixture<AppFactory>
{
    private async Task<TestTenant> TenantWithHistoryAsync()
    {
        var tenant = await factory.CreateTenantAsync();
        await using var connection = await factory.Db.OpenAsync();
        var start = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var rows = new[]
        {
            ("sms", "outbound", "+14155550101", "delivered", "Reminder: cleaning on Monday", "SMaaa0000000000000000000000000001", 0.0079m),
            ("sms", "outbound", "+14155550102", "undelivered", "Reminder: x-ray on Tuesday", "SMaaa0000000000000000000000000002", 0.0079m),
            ("call", "outbound", "+14155550101", "completed", "Your appointment is tomorrow", "CAaaa0000000000000000000000000003", 0.013m),
            ("call", "outbound", "+14155550103", "busy", "Your appointment is tomorrow", "CAaaa0000000000000000000000000004", 0m),
            ("sms", "inbound", "+15005550006", "received", "=HYPERLINK(\"http://evil\"), \"quoted\"", "SMaaa0000000000000000000000000005", 0m),
        };
        for (var i = 0; i < rows.Length; i++)
        {
            var (type, direction, to, status, text, sid, cost) = rows[i];
            await connection.ExecuteAsync("""
                INSERT INTO communication_log (tenant_id, network_type, direction, to_number, from_number, message_content, twilio_sid, status,
                                               status_rank, cost_amount, created_at)
                VALUES (@Id, @type, @direction, @to, @from, @text, @sid, @status, 4, @cost, @createdAt)
                """, new
            {
                tenant.Id, type, direction, to, from = direction == "inbound" ? "+14155550199" : "+15005550006", text, sid, status, cost,
                createdAt = start.AddDays(i).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            });
        }

        return tenant;
    }

    private static async Task<List<string>> SidsAsync(HttpResponseMessage response)
    {
        var data = await response.ShouldBeSuccessAsync();
        return data.EnumerateArray().Select(r => r.GetProperty("twilio_sid").GetString()![^1..]).ToList();
    }

    [Fact]
    public async Task History_is_newest_first_with_the_pagination_block()
    {
        var tenant = await TenantWithHistoryAsync();

        var response = await tenant.Client().GetAsync("/api/communication/history?page=2&per_page=2");
        var body = await response.JsonAsync();

        (await SidsAsync(response)).ShouldBe(["3", "2"]);
        var pagination = body.GetProperty("pagination");
        pagination.GetProperty("page").GetInt32().ShouldBe(2);
        pagination.GetProperty("per_page").GetInt32().ShouldBe(2);
        pagination.GetProperty("total_items").GetInt32().ShouldBe(5);
        pagination.GetProperty("total_pages").GetInt32().ShouldBe(3);
        pagination.GetProperty("has_next").GetBoolean().ShouldBeTrue();
        pagination.GetProperty("has_prev").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task Pagination_edges_past_the_end_and_out_of_range_values()
    {
        var tenant = await TenantWithHistoryAsync();
        var client = tenant.Client();

        (await SidsAsync(await client.GetAsync("/api/communication/history?page=9&per_page=2"))).ShouldBeEmpty();
        var last = await (await client.GetAsync("/api/communication/history?page=3&per_page=2")).JsonAsync();
        last.GetProperty("pagination").GetProperty("has_next").GetBoolean().ShouldBeFalse();
        var clamped = await (await client.GetAsync("/api/communication/history?page=0&per_page=100000")).JsonAsync();
        clamped.GetProperty("pagination").GetProperty("page").GetInt32().ShouldBe(1);
        clamped.GetProperty("pagination").GetProperty("per_page").GetInt32().ShouldBe(200);
        await (await client.GetAsync("/api/communication/history?page=abc")).ShouldBeErrorAsync(400, "VALIDATION_ERROR");
    }

    [Theory]
    [InlineData("type=sms", "5,2,1")]
    [InlineData("type=call", "4,3")]
    [InlineData("direction=inbound", "5")]
    [InlineData("status=busy,undelivered", "4,2")]
    [InlineData("to=%2B14155550101", "3,1")]
    [InlineData("to=0103", "4")]
    [InlineData("from=%2B14155550199", "5")]
    [InlineData("date_from=2026-03-02&date_to=2026-03-03", "3,2")]
    [InlineData("date_from=2026-03-04T00:00:00Z", "5,4")]
    [InlineData("q=x-ray", "2")]
    [InlineData("q=appointment&type=call&status=completed", "3")]
    [InlineData("q=100%25", "")]
    public async Task Filters_narrow_the_history(string query, string expected)
    {
        var tenant = await TenantWithHistoryAsync();

        var sids = await SidsAsync(await tenant.Client().GetAsync("/api/communication/history?" + query));

        string.Join(',', sids).ShouldBe(expected);
    }

    [Theory]
    [InlineData("type=fax", "type")]
    [InlineData("direction=sideways", "direction")]
    [InlineData("date_from=yesterday", "date_from")]
    public async Task Bad_filters_are_refused_per_field(string query, string field)
    {
        var tenant = await factory.CreateTenantAsync();

        var error = await (await tenant.Client().GetAsync("/api/communication/history?" + query)).ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        error.GetProperty("details").TryGetProperty(field, out _).ShouldBeTrue();
    }

    [Fact]
    public async Task CSV_export_streams_the_same_query_with_safe_quoting()
    {
        var tenant = await TenantWithHistoryAsync();

        var response = await tenant.Client().GetAsync("/api/communication/history?format=csv&type=sms");
        var csv = await response.Content.ReadAsStringAsync();

        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        var lines = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length > 1
            ? csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            : csv.TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldStartWith("id,created_at,type,direction,from,to,status");
        lines.Length.ShouldBe(4);
        lines[1].ShouldContain("SMaaa0000000000000000000000000005");
        lines[1].ShouldContain("\"'=HYPERLINK(\"\"http://evil\"\"), \"\"quoted\"\"\"");
        lines[3].ShouldContain("delivered");
        lines[3].ShouldContain("0.0079");
    }

    [Fact]
    public async Task Details_show_the_row_with_its_timeline_and_another_tenants_row_is_404()
    {
        var tenant = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync("Other");
        var sent = await (await tenant.Client().PostJsonAsync("/api/communication/sms/send", new { to = "+14155552671", message = "Hi" })).ShouldBeSuccessAsync();
        var id = sent.GetProperty("id").GetInt64();

        var details = await (await tenant.Client().GetAsync($"/api/communication/history/{id}")).ShouldBeSuccessAsync();
        details.GetProperty("status").GetString().ShouldBe("queued");
        details.GetProperty("events")[0].GetProperty("status").GetString().ShouldBe("queued");

        await (await other.Client().GetAsync($"/api/communication/history/{id}")).ShouldBeErrorAsync(404, "NOT_FOUND");
        (await SidsAsync(await other.Client().GetAsync("/api/communication/history"))).ShouldBeEmpty();
        await (await other.Client().GetAsync("/api/communication/status/SMaaa0000000000000000000000000001")).ShouldBeErrorAsync(404, "NOT_FOUND");
    }

    [Fact]
    public async Task A_failed_row_and_its_events_carry_the_twilio_error_in_words()
    {
        var tenant = await factory.CreateTenantAsync();
        await using var connection = await factory.Db.OpenAsync();
        var id = await connection.ExecuteScalarAsync<long>("""
            INSERT INTO communication_log (tenant_id, network_type, direction, to_number, from_number, message_content, twilio_sid, status,
                                           status_rank, error_code)
            VALUES (@Id, 'sms', 'outbound', '+14155550101', '+15005550006', 'Hi', 'SMbbb0000000000000000000000000001', 'undelivered', 5, 30007)
            RETURNING id
            """, new { tenant.Id });
        await connection.ExecuteAsync("""
            INSERT INTO status_events (log_id, status, error_code, source, dedupe_key) VALUES (@id, 'undelivered', 30007, 'callback', 'words-30007')
            """, new { id });
        const string Filtered = "The carrier filtered the message as possible spam.";

        var list = await (await tenant.Client().GetAsync("/api/communication/history")).ShouldBeSuccessAsync();
        list[0].GetProperty("error_description").GetString().ShouldBe(Filtered);
        var details = await (await tenant.Client().GetAsync($"/api/communication/history/{id}")).ShouldBeSuccessAsync();
        details.GetProperty("error_description").GetString().ShouldBe(Filtered);
        details.GetProperty("events")[0].GetProperty("error_description").GetString().ShouldBe(Filtered);
    }

    [Fact]
    public async Task Usage_counts_by_channel_and_status_with_cost_and_a_daily_series()
    {
        var tenant = await TenantWithHistoryAsync();

        var usage = await (await tenant.Client().GetAsync("/api/tenant/usage?from=2026-03-01&to=2026-03-05")).ShouldBeSuccessAsync();

        usage.GetProperty("by_channel").GetProperty("sms").GetProperty("delivered").GetInt32().ShouldBe(1);
        usage.GetProperty("by_channel").GetProperty("call").GetProperty("busy").GetInt32().ShouldBe(1);
        usage.GetProperty("totals").GetProperty("sms").GetInt32().ShouldBe(3);
        usage.GetProperty("total_cost").GetDecimal().ShouldBe(0.0288m);
        var days = usage.GetProperty("days");
        days.GetArrayLength().ShouldBe(5);
        days[2].GetProperty("date").GetString().ShouldBe("2026-03-03");
        days[2].GetProperty("call").GetInt32().ShouldBe(1);
    }
}

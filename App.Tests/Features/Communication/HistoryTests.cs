using App.Tests.Support;
using Dapper;

namespace App.Tests.Features.Communication;

public sealed class HistoryTests(AppFactory factory) : IClassFixture<AppFactory>
{
    private static async Task<List<string>> SidsAsync(HttpResponseMessage response)
    {
        var data = await response.ShouldBeSuccessAsync();
        return data.EnumerateArray().Select(r => r.GetProperty("twilio_sid").GetString()![^1..]).ToList();
    }

    [Fact]
    public async Task History_is_newest_first_with_the_pagination_block()
    {
        var tenant = await factory.TenantWithHistoryAsync();

        var response = await tenant.Client().GetAsync("/api/communication/history?page=2&per_page=2");
        var body = await response.JsonAsync();

        (await SidsAsync(response)).ShouldBe(["3", "2"]);
        body.ShouldHavePagination(page: 2, perPage: 2, totalItems: 5, totalPages: 3, hasNext: true, hasPrev: true);
    }

    [Fact]
    public async Task Pagination_edges_past_the_end_and_out_of_range_values()
    {
        var tenant = await factory.TenantWithHistoryAsync();
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
        var tenant = await factory.TenantWithHistoryAsync();

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
        var tenant = await factory.TenantWithHistoryAsync();

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
}

using System.Globalization;
using System.Text.Json;
using App.Features.Communication;
using App.Infrastructure.Database;
using App.Tests.Support;
using Dapper;

namespace App.Tests.Features.Communication;

/// <summary>
/// total_items from the daily counters (kept by triggers) and substring search through the trigram index must give
/// exactly what counting and LIKE over the rows would.
/// </summary>
public sealed class HistoryTotalsTests(AppFactory factory) : IClassFixture<AppFactory>
{
    private static readonly DateTimeOffset Start = new(2026, 5, 10, 0, 0, 0, TimeSpan.Zero);

    private async Task<long> InsertAsync(TestTenant tenant, DateTimeOffset createdAt, string type = "sms", string direction = "outbound",
        string? status = "delivered", string to = "+14155550101", string? text = "Hello", string? sid = null)
    {
        await using var connection = await factory.Db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("""
            INSERT INTO communication_log (tenant_id, network_type, direction, to_number, from_number, message_content, twilio_sid, status, created_at)
            VALUES (@Id, @type, @direction, @to, '+15005550006', @text, @sid, @status, @createdAt) RETURNING id
            """, new { tenant.Id, type, direction, to, text, sid, status, createdAt = At(createdAt) });
    }

    private static string At(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static async Task<(long Total, List<long> Ids, JsonElement Pagination)> HistoryAsync(TestTenant tenant, string query)
    {
        var response = await tenant.Client().GetAsync("/api/communication/history?per_page=200&" + query);
        var body = await response.JsonAsync();
        ((int)response.StatusCode).ShouldBe(200, body.ToString());
        var pagination = body.GetProperty("pagination");
        var ids = body.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetInt64()).ToList();
        return (pagination.GetProperty("total_items").GetInt64(), ids, pagination);
    }

    /// <summary>A tenant with rows every 5 hours over 4 days, of both types and several statuses.</summary>
    private async Task<TestTenant> TenantWithDaysAsync()
    {
        var tenant = await factory.CreateTenantAsync();
        string[] statuses = ["delivered", "failed", "queued"];
        for (var i = 0; i < 20; i++)
            await InsertAsync(tenant, Start.AddHours(5 * i), type: i % 3 == 0 ? "call" : "sms", direction: i % 4 == 0 ? "inbound" : "outbound",
                status: i % 7 == 0 ? null : statuses[i % 3]);
        return tenant;
    }

    [Theory]
    [InlineData("")]
    [InlineData("type=sms")]
    [InlineData("type=call&direction=inbound")]
    [InlineData("status=delivered,failed")]
    [InlineData("date_from=2026-05-11&date_to=2026-05-12")]
    [InlineData("date_from=2026-05-10T07:00:00Z")]
    [InlineData("date_to=2026-05-12T13:30:00Z")]
    [InlineData("date_from=2026-05-10T07:00:00Z&date_to=2026-05-12T13:30:00Z&type=sms")]
    [InlineData("date_from=2026-05-11T03:00:00Z&date_to=2026-05-11T21:00:00Z")]
    [InlineData("date_from=2026-05-11T03:00:00%2B02:00&date_to=2026-05-12T01:00:00Z&status=queued")]
    [InlineData("date_from=2026-05-11T00:00:00Z&date_to=2026-05-13T00:00:00Z")]
    public async Task Totals_equal_the_rows_the_filters_return_with_whole_and_partial_days(string query)
    {
        var tenant = await TenantWithDaysAsync();
        var other = await TenantWithDaysAsync();

        var (total, ids, _) = await HistoryAsync(tenant, query);

        ids.Count.ShouldBeGreaterThan(0);
        total.ShouldBe(ids.Count);
        (await HistoryAsync(other, query)).Total.ShouldBe(total);
    }

    [Fact]
    public async Task Totals_follow_inserts_status_changes_and_deletes()
    {
        var tenant = await TenantWithDaysAsync();
        var other = await factory.CreateTenantAsync("Other");
        var before = (await HistoryAsync(tenant, "status=queued")).Total;
        var delivered = (await HistoryAsync(tenant, "status=delivered&type=sms")).Total;

        var id = await InsertAsync(tenant, Start.AddHours(30), status: "queued");
        await InsertAsync(other, Start.AddHours(30), status: "queued");
        (await HistoryAsync(tenant, "status=queued")).Total.ShouldBe(before + 1);

        await using (var connection = await factory.Db.OpenAsync())
        {
            await CommunicationLog.ApplyAsync(connection, id, "sms", new CommunicationLog.StatusChange("delivered", "test", $"t-{id}-delivered"));
            await CommunicationLog.ApplyAsync(connection, id, "sms", new CommunicationLog.StatusChange("delivered", "test", $"t-{id}-delivered-again"));
        }

        (await HistoryAsync(tenant, "status=queued")).Total.ShouldBe(before);
        (await HistoryAsync(tenant, "status=delivered&type=sms")).Total.ShouldBe(delivered + 1);
        (await HistoryAsync(tenant, "status=delivered&type=sms&date_from=2026-05-11T05:00:00Z&date_to=2026-05-11T07:00:00Z")).Ids.ShouldContain(id);

        await using (var connection = await factory.Db.OpenAsync())
            await connection.ExecuteAsync("DELETE FROM communication_log WHERE id = @id", new { id });

        (await HistoryAsync(tenant, "status=delivered&type=sms")).Total.ShouldBe(delivered);
        (await HistoryAsync(other, "")).Total.ShouldBe(1);
    }

    [Fact]
    public async Task A_status_callback_moves_the_count_from_one_status_to_the_next()
    {
        var tenant = await factory.CreateTenantAsync();
        var sent = await (await tenant.Client().PostJsonAsync("/api/communication/sms/send", new { to = "+14155552671", message = "Hi" })).ShouldBeSuccessAsync();
        var id = sent.GetProperty("id").GetInt64();
        (await HistoryAsync(tenant, "status=queued")).Total.ShouldBe(1);

        await using (var connection = await factory.Db.OpenAsync())
            await CommunicationLog.ApplyAsync(connection, id, "sms", new CommunicationLog.StatusChange("sent", "test", $"t-{id}-sent", TwilioSid: "SMfeedc0ffee00000000000000000042"));

        (await HistoryAsync(tenant, "status=queued")).Total.ShouldBe(0);
        (await HistoryAsync(tenant, "status=sent")).Total.ShouldBe(1);
        (await HistoryAsync(tenant, "")).Total.ShouldBe(1);
        // The SID arrived by an UPDATE: q finds it from its start, in any case, before and after the row is indexed.
        (await HistoryAsync(tenant, "q=smfeedc0")).Ids.ShouldBe([id]);
        await IndexNewRowsAsync();
        (await HistoryAsync(tenant, "q=smfeedc0")).Ids.ShouldBe([id]);
    }

    [Theory]
    [InlineData("q=invoice", "1,3")]
    [InlineData("q=INVOICE%20%2342", "1")]
    [InlineData("q=5550101", "1,2")]
    [InlineData("to=0101", "1,2")]
    [InlineData("to=4155550101", "1,2")]
    [InlineData("to=55501", "1,2,3")]
    [InlineData("q=SMabc", "3")]
    [InlineData("q=50%25", "4")]
    [InlineData("q=%23", "1,3")]
    [InlineData("q=42", "1,3")]
    [InlineData("q=\"", "5")]
    [InlineData("to=01", "1,2,3")]
    [InlineData("q=invoice&to=0103", "3")]
    [InlineData("q=nothing-like-this", "")]
    public async Task Free_text_and_number_fragments_match_substrings_of_any_length_and_only_of_this_tenant(string query, string expected)
    {
        var tenant = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync("Other");
        var rows = new (string To, string Text, string? Sid)[]
        {
            ("+14155550101", "Your Invoice #42 is due", null),
            ("+14155550101", "See you Monday", null),
            ("+14155550103", "invoice #1420 paid", "SMabc000000000000000000000000001"),
            ("+14155550200", "Save 50% today", null),
            ("+14155550300", "She said \"yes\"", null),
        };
        var ids = new List<long>();
        foreach (var (to, text, sid) in rows)
        {
            ids.Add(await InsertAsync(tenant, Start.AddMinutes(ids.Count), to: to, text: text, sid: sid));
            await InsertAsync(other, Start.AddMinutes(ids.Count), to: to, text: text, sid: sid is null ? null : "SMabc0000000000000000000000000ff");
        }

        var expectedIds = expected.Length == 0 ? [] : expected.Split(',').Select(n => ids[int.Parse(n, CultureInfo.InvariantCulture) - 1]).Reverse().ToList();

        // New rows are found before the search index reaches them, and the same rows after.
        var (total, found, _) = await HistoryAsync(tenant, query);
        found.ShouldBe(expectedIds);
        total.ShouldBe(expectedIds.Count);

        await IndexNewRowsAsync();
        (total, found, _) = await HistoryAsync(tenant, query);
        found.ShouldBe(expectedIds);
        total.ShouldBe(expectedIds.Count);
    }

    [Fact]
    public async Task The_search_index_takes_new_rows_in_rounds_and_a_deleted_row_leaves_it()
    {
        var tenant = await factory.CreateTenantAsync();
        var kept = await InsertAsync(tenant, Start, text: "Parcel 7781 is ready");
        var deleted = await InsertAsync(tenant, Start.AddMinutes(1), text: "Parcel 7782 is ready");
        await IndexNewRowsAsync();

        await using (var connection = await factory.Db.OpenAsync())
        {
            (await connection.ExecuteScalarAsync<long>("SELECT indexed_through FROM communication_log_search_state")).ShouldBeGreaterThanOrEqualTo(deleted);
            (await connection.QueryAsync<long>("SELECT rowid FROM communication_log_search WHERE communication_log_search MATCH '\"Parcel 77\"' ORDER BY rowid"))
                .ShouldBe([kept, deleted]);
            await connection.ExecuteAsync("DELETE FROM communication_log WHERE id = @deleted", new { deleted });
            (await connection.QueryAsync<long>("SELECT rowid FROM communication_log_search WHERE communication_log_search MATCH '\"Parcel 77\"'"))
                .ShouldBe([kept]);
        }

        (await HistoryAsync(tenant, "q=parcel 77")).Ids.ShouldBe([kept]);
    }

    [Fact]
    public async Task The_indexer_reaches_new_rows_by_itself()
    {
        var tenant = await factory.CreateTenantAsync();
        var id = await InsertAsync(tenant, Start, text: "Courier 5521 arrives at noon");

        await using var connection = await factory.Db.OpenAsync();
        await Eventually.GetAsync(
            () => connection.ExecuteScalarAsync<long>("SELECT indexed_through FROM communication_log_search_state"),
            through => through >= id, TimeSpan.FromSeconds(10), "the background indexer to pass the new row");
        (await connection.QueryAsync<long>("SELECT rowid FROM communication_log_search WHERE communication_log_search MATCH '\"courier 5521\"'"))
            .ShouldBe([id]);
    }

    private async Task IndexNewRowsAsync()
    {
        var writes = factory.Service<WriteBatcher>();
        while (await writes.WriteAsync(HistorySearchIndexer.IndexNewRowsAsync) == HistorySearchIndexer.RowsPerRound)
        {
        }
    }

    [Fact]
    public async Task Counting_matches_stops_at_the_limit_and_says_so()
    {
        var tenant = await factory.CreateTenantAsync();
        await using (var connection = await factory.Db.OpenAsync())
        {
            await using var transaction = connection.BeginTransaction();
            for (var i = 0; i < GetHistory.CountLimit + 5; i++)
            {
                await connection.ExecuteAsync("""
                    INSERT INTO communication_log (tenant_id, network_type, direction, to_number, from_number, message_content, status, created_at)
                    VALUES (@Id, 'sms', 'outbound', '+14155550101', '+15005550006', @text, 'delivered', @createdAt)
                    """, new { tenant.Id, text = $"Reminder {i}", createdAt = At(Start.AddMinutes(i)) }, transaction);
            }

            await transaction.CommitAsync();
        }

        var first = await HistoryAsync(tenant, "q=reminder");
        first.Total.ShouldBe(GetHistory.CountLimit);
        first.Pagination.GetProperty("total_is_lower_bound").GetBoolean().ShouldBeTrue();
        first.Pagination.GetProperty("has_next").GetBoolean().ShouldBeTrue();
        first.Ids.Count.ShouldBe(200);

        var response = await tenant.Client().GetAsync("/api/communication/history?q=reminder&per_page=200&page=6");
        var last = (await response.JsonAsync()).GetProperty("pagination");
        last.GetProperty("has_next").GetBoolean().ShouldBeFalse();
        (await response.ShouldBeSuccessAsync()).GetArrayLength().ShouldBe(5);

        var exact = await HistoryAsync(tenant, "q=reminder 100");
        exact.Total.ShouldBe(exact.Ids.Count);
        exact.Pagination.TryGetProperty("total_is_lower_bound", out _).ShouldBeFalse();
        (await HistoryAsync(tenant, "")).Total.ShouldBe(GetHistory.CountLimit + 5);
    }

    [Fact]
    public async Task CSV_export_has_the_rows_of_the_same_search()
    {
        var tenant = await factory.CreateTenantAsync();
        var match = await InsertAsync(tenant, Start, text: "Invoice due");
        await InsertAsync(tenant, Start.AddHours(1), text: "Nothing to see");

        var csv = await (await tenant.Client().GetAsync("/api/communication/history?format=csv&q=voic")).Content.ReadAsStringAsync();

        var lines = csv.TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(2);
        lines[1].ShouldStartWith(match.ToString(CultureInfo.InvariantCulture) + ",");
    }
}

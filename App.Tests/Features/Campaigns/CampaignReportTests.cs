using System.Text;
using System.Text.Json;
using App.Tests.Support;
using Dapper;

namespace App.Tests.Features.Campaigns;

/// <summary>Uploading a spreadsheet: every row checked and reported, nothing sent; bad files refused with a clear error.</summary>
public sealed class CampaignReportTests(CampaignAppFactory factory) : IClassFixture<CampaignAppFactory>
{
    private static readonly Encoding Utf8WithBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);

    private static byte[] WithBom(string text) => [.. Utf8WithBom.GetPreamble(), .. Encoding.UTF8.GetBytes(text)];

    [Fact]
    public async Task An_Excel_semicolon_file_with_a_BOM_is_checked_row_by_row_and_nothing_is_sent()
    {
        var tenant = await factory.CreateTenantAsync();
        var client = tenant.Client();
        await using (var db = await factory.Db.OpenAsync())
            await db.ExecuteAsync("INSERT INTO opt_outs (tenant_id, phone_number, keyword) VALUES (@Id, '+14155550177', 'STOP')", new { tenant.Id });
        // As Excel saves "CSV UTF-8" in a locale whose list separator is ';': a BOM, CRLF, quotes around a value holding ';' and "".
        var csv = WithBom(
            "to;First_Name;time\r\n" +
            "(415) 555-0101;Ann;9:30\r\n" +
            "\"+1 415 555 0102\";\"Bob; \"\"Bobby\"\"\";10:00\r\n" +
            "415 555 0101;Ann again;11:00\r\n" +
            "12345;Carl;12:00\r\n" +
            "+14155550177;Dora;13:00\r\n" +
            "+14155550103;;14:00\r\n" +
            ";;\r\n");

        var response = await client.PostAsync("/api/campaigns", CampaignUploads.Form(csv, message: "Hi {{first_name}}, see you at {{time}}."));

        var created = await response.ShouldBeSuccessAsync(201);
        response.Headers.Location!.ToString().ShouldStartWith("/api/campaigns/");
        var campaign = created.GetProperty("campaign");
        campaign.GetProperty("state").GetString().ShouldBe("draft");
        campaign.GetProperty("columns").EnumerateArray().Select(c => c.GetString()).ShouldBe(["First_Name", "time"]);
        var rows = campaign.GetProperty("rows");
        rows.GetProperty("total").GetInt64().ShouldBe(6);
        rows.GetProperty("valid").GetInt64().ShouldBe(2);
        var byCode = rows.GetProperty("problems_by_code");
        byCode.GetProperty("duplicate").GetInt64().ShouldBe(1);
        byCode.GetProperty("invalid_number").GetInt64().ShouldBe(1);
        byCode.GetProperty("opted_out").GetInt64().ShouldBe(1);
        byCode.GetProperty("missing_variable").GetInt64().ShouldBe(1);
        campaign.GetProperty("segments_total").GetInt64().ShouldBe(2);
        campaign.GetProperty("estimated_cost").GetDecimal().ShouldBe(2 * 0.0079m);

        var report = created.GetProperty("report");
        report.GetProperty("separator").GetString().ShouldBe("semicolon");
        var preview = report.GetProperty("preview").EnumerateArray().ToList();
        preview.Select(p => p.GetProperty("text").GetString()).ShouldBe(["Hi Ann, see you at 9:30.", "Hi Bob; \"Bobby\", see you at 10:00."]);
        preview[0].GetProperty("to").GetString().ShouldBe("+14155550101");
        var problems = report.GetProperty("problems").EnumerateArray()
            .ToDictionary(p => p.GetProperty("line").GetInt32(), p => (p.GetProperty("code").GetString(), p.GetProperty("problem").GetString()));
        problems[4].Item1.ShouldBe("duplicate");
        problems[4].Item2!.ShouldContain("line 2");
        problems[5].Item1.ShouldBe("invalid_number");
        problems[6].Item1.ShouldBe("opted_out");
        problems[7].Item1.ShouldBe("missing_variable");
        problems[7].Item2!.ShouldContain("first_name", Case.Insensitive);

        var id = campaign.GetProperty("id").GetInt64();
        var onlyProblems = await (await client.GetAsync($"/api/campaigns/{id}/rows?show=problems")).ShouldBeSuccessAsync();
        onlyProblems.EnumerateArray().Select(r => r.GetProperty("line").GetInt32()).ShouldBe([4, 5, 6, 7]);
        onlyProblems.EnumerateArray().ShouldAllBe(r => r.GetProperty("outcome").GetString() == "refused");
        var valid = await (await client.GetAsync($"/api/campaigns/{id}/rows?show=valid")).ShouldBeSuccessAsync();
        foreach (var row in valid.EnumerateArray())
        {
            row.GetProperty("outcome").GetString().ShouldBe("waiting");
            row.GetProperty("goes_at").ValueKind.ShouldBe(JsonValueKind.String);
        }

        await using var connection = await factory.Db.OpenAsync();
        (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM communication_log WHERE tenant_id = @Id AND direction = 'outbound'", new { tenant.Id })).ShouldBe(0);
    }

    [Fact]
    public async Task The_rows_export_as_CSV_with_their_check_and_outcome()
    {
        var tenant = await factory.CreateTenantAsync();
        var client = tenant.Client();
        var id = await CampaignUploads.CreateAsync(client, Encoding.UTF8.GetBytes("to,first_name,time\n+14155550111,=cmd(),9:00\nnot a number,Eve,9:15\n"));

        var response = await client.GetAsync($"/api/campaigns/{id}/rows?format=csv");

        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var lines = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldStartWith("line,to,first_name,time,e164,check,problem");
        lines[1].ShouldStartWith("2,+14155550111,'=cmd(),9:00,+14155550111,ok,,1,waiting");
        lines[2].ShouldStartWith("3,not a number,Eve,9:15,,invalid_number,");
    }

    [Fact]
    public async Task A_file_in_another_encoding_is_refused_with_advice()
    {
        var tenant = await factory.CreateTenantAsync();
        // "José" as Excel's plain "CSV (Comma delimited)" writes it on Windows: code page 1252, é = 0xE9.
        byte[] latin1 = [.. Encoding.ASCII.GetBytes("to,first_name,time\r\n+14155550120,Jos"), 0xE9, .. Encoding.ASCII.GetBytes(",9:00\r\n")];

        var error = await (await tenant.Client().PostAsync("/api/campaigns", CampaignUploads.Form(latin1))).ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        var problem = error.GetProperty("details").GetProperty("file")[0].GetString()!;
        problem.ShouldContain("not UTF-8");
        problem.ShouldContain("CSV UTF-8");
        await ShouldHaveNoCampaignsAsync(tenant);
    }

    [Fact]
    public async Task A_file_without_a_to_column_is_refused_naming_the_columns_it_has()
    {
        var tenant = await factory.CreateTenantAsync();

        var error = await (await tenant.Client().PostAsync("/api/campaigns",
            CampaignUploads.Form(Encoding.UTF8.GetBytes("phone,first_name,time\n+14155550120,Ann,9:00\n")))).ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        error.GetProperty("details").GetProperty("file")[0].GetString()!.ShouldContain("no 'to' column (it has 'phone', 'first_name', 'time')");
    }

    [Fact]
    public async Task Ten_megabytes_of_garbage_get_a_clear_error()
    {
        var tenant = await factory.CreateTenantAsync();
        var garbage = new byte[10 * 1024 * 1024];
        new Random(17).NextBytes(garbage);

        var error = await (await tenant.Client().PostAsync("/api/campaigns", CampaignUploads.Form(garbage))).ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        error.GetProperty("details").GetProperty("file")[0].GetString()!.ShouldContain("not UTF-8");
        await ShouldHaveNoCampaignsAsync(tenant);
    }

    [Fact]
    public async Task More_rows_than_allowed_are_refused_and_nothing_is_kept()
    {
        var tenant = await factory.CreateTenantAsync();

        var error = await (await tenant.Client().PostAsync("/api/campaigns", CampaignUploads.Form(CampaignUploads.Numbers(301)))).ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        error.GetProperty("details").GetProperty("file")[0].GetString()!.ShouldContain("more than 300 rows");
        await ShouldHaveNoCampaignsAsync(tenant);
        await using var connection = await factory.Db.OpenAsync();
        (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM campaigns WHERE tenant_id = @Id", new { tenant.Id })).ShouldBe(0);
    }

    [Theory]
    [InlineData("to,first_name,time\n", "no rows")]
    [InlineData("", "empty")]
    [InlineData("to,name\n+14155550120,Ann\n", "no column of that name")]
    public async Task Files_that_cannot_make_a_campaign_are_refused(string csv, string expected)
    {
        var tenant = await factory.CreateTenantAsync();

        var error = await (await tenant.Client().PostAsync("/api/campaigns", CampaignUploads.Form(Encoding.UTF8.GetBytes(csv)))).ShouldBeErrorAsync(400, "VALIDATION_ERROR");

        error.GetProperty("details").GetProperty("file")[0].GetString()!.ShouldContain(expected);
    }

    [Fact]
    public async Task Missing_fields_and_a_JSON_body_are_refused_in_the_envelope()
    {
        var tenant = await factory.CreateTenantAsync();
        var form = new MultipartFormDataContent { { new ByteArrayContent(CampaignUploads.Numbers(2)), "file", "a.csv" } };

        var error = await (await tenant.Client().PostAsync("/api/campaigns", form)).ShouldBeErrorAsync(400, "VALIDATION_ERROR");
        error.GetProperty("details").TryGetProperty("name", out _).ShouldBeTrue();
        error.GetProperty("details").TryGetProperty("message", out _).ShouldBeTrue();

        await (await tenant.Client().PostJsonAsync("/api/campaigns", new { name = "x", message = "y" })).ShouldBeErrorAsync(415, "UNSUPPORTED_MEDIA_TYPE");
    }

    [Fact]
    public async Task A_tenant_can_neither_see_nor_touch_another_tenants_campaign()
    {
        var owner = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync("Other Dental");
        var id = await CampaignUploads.CreateAsync(owner.Client(), CampaignUploads.Numbers(3));
        var client = other.Client();

        await (await client.GetAsync($"/api/campaigns/{id}")).ShouldBeErrorAsync(404, "CAMPAIGN_NOT_FOUND");
        await (await client.GetAsync($"/api/campaigns/{id}/rows")).ShouldBeErrorAsync(404, "CAMPAIGN_NOT_FOUND");
        await (await client.GetAsync($"/api/campaigns/{id}/rows?format=csv")).ShouldBeErrorAsync(404, "CAMPAIGN_NOT_FOUND");
        await (await client.PostAsync($"/api/campaigns/{id}/start", null)).ShouldBeErrorAsync(404, "CAMPAIGN_NOT_FOUND");
        await (await client.PostAsync($"/api/campaigns/{id}/cancel", null)).ShouldBeErrorAsync(404, "CAMPAIGN_NOT_FOUND");
        await (await client.DeleteAsync($"/api/campaigns/{id}")).ShouldBeErrorAsync(404, "CAMPAIGN_NOT_FOUND");
        await ShouldHaveNoCampaignsAsync(other);

        var mine = await (await owner.Client().GetAsync($"/api/campaigns/{id}")).ShouldBeSuccessAsync();
        mine.GetProperty("state").GetString().ShouldBe("draft");
    }

    [Fact]
    public async Task A_draft_can_be_deleted_before_the_fixed_file_is_uploaded_again()
    {
        var tenant = await factory.CreateTenantAsync();
        var client = tenant.Client();
        var id = await CampaignUploads.CreateAsync(client, Encoding.UTF8.GetBytes("to,first_name,time\n555,Ann,9:00\n+14155550130,Bob,9:00\n"));

        await (await client.DeleteAsync($"/api/campaigns/{id}")).ShouldBeSuccessAsync();
        var fixedId = await CampaignUploads.CreateAsync(client, Encoding.UTF8.GetBytes("to,first_name,time\n+14155550129,Ann,9:00\n+14155550130,Bob,9:00\n"));

        await (await client.GetAsync($"/api/campaigns/{id}")).ShouldBeErrorAsync(404, "CAMPAIGN_NOT_FOUND");
        var list = await (await client.GetAsync("/api/campaigns")).ShouldBeSuccessAsync();
        list.EnumerateArray().Select(c => c.GetProperty("id").GetInt64()).ShouldBe([fixedId]);
        list[0].GetProperty("rows").GetProperty("valid").GetInt64().ShouldBe(2);
    }

    private static async Task ShouldHaveNoCampaignsAsync(TestTenant tenant)
    {
        var list = await (await tenant.Client().GetAsync("/api/campaigns")).ShouldBeSuccessAsync();
        list.GetArrayLength().ShouldBe(0);
    }
}

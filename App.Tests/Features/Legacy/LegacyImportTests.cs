using System.Text;
using System.Text.Json;
using App.Features.Communication.Outbox;
using App.Tests.Features.Users;
using App.Tests.Support;
using Dapper;

namespace App.Tests.Features.Legacy;

/// <summary>
/// The shared legacy installation (Jet 4 .mdb, Web.config, files/mp3) imported through the command, then looked at
/// through the API the way the tenant will: every count, every quirk of the sample's README, exact texts.
/// </summary>
public sealed class LegacyImportTests(ImportedLegacyApp app) : IClassFixture<ImportedLegacyApp>
{
    private static readonly string[] TableNames = ["Users", "Voice", "VoiceXML", "VoiceFile", "CallLog"];

    [Fact]
    public void The_report_counts_every_table_and_names_each_problem_with_its_legacy_id()
    {
        var report = app.Report;
        report.GetProperty("dry_run").GetBoolean().ShouldBeFalse();
        report.GetProperty("committed").GetBoolean().ShouldBeTrue();
        var tenant = report.GetProperty("tenant");
        tenant.GetProperty("id").GetString().ShouldBe("harbor");
        tenant.GetProperty("name").GetString().ShouldBe("voice.harbordental.example");
        tenant.GetProperty("created").GetBoolean().ShouldBeTrue();
        tenant.GetProperty("api_key").GetString()!.ShouldStartWith("sb_");

        var tables = report.GetProperty("tables").EnumerateArray().ToDictionary(t => t.GetProperty("table").GetString()!);
        tables.Keys.ShouldBe(TableNames);
        var expected = new Dictionary<string, int> { ["Users"] = 4, ["Voice"] = 8, ["VoiceXML"] = 10, ["VoiceFile"] = 6, ["CallLog"] = 40 };
        foreach (var (table, rows) in expected)
        {
            tables[table].GetProperty("read").GetInt32().ShouldBe(rows, table);
            tables[table].GetProperty("imported").GetInt32().ShouldBe(rows, table);
            tables[table].GetProperty("updated").GetInt32().ShouldBe(0, table);
            tables[table].GetProperty("skipped").GetInt32().ShouldBe(0, table);
        }

        var problems = Problems(report);
        problems.ShouldContain("VoiceFile #6 missing_file");
        problems.ShouldContain("VoiceXML #5 orphan_voicexml");
        problems.ShouldContain("VoiceXML #5 plays_missing_file");
        problems.ShouldNotContain("VoiceXML #6 orphan_voicexml"); // VoiceID NULL: a document of its own, not an orphan
        problems.ShouldContain("VoiceFile #1 number_reformatted");
        problems.ShouldContain("CallLog #1 number_reformatted");
        problems.ShouldContain("CallLog #31 number_reformatted");
        problems.ShouldContain("Users #1 password_must_change");
        problems.ShouldContain("Users #4 password_must_change");
        problems.ShouldNotContain("Users #2 password_must_change");
        problems.ShouldContain("VoiceXML #1 legacy_page");
        report.GetProperty("ambiguous_local_times").GetInt32().ShouldBe(0);

        // Never the legacy passwords, anywhere in what the command printed.
        foreach (var secret in new[] { "Summer2008!", "pässwörd", "привет123" })
        {
            app.Import.Stdout.ShouldNotContain(secret);
            app.Import.Stderr.ShouldNotContain(secret);
        }
    }

    [Fact]
    public async Task The_tenant_gets_the_Web_config_Twilio_account_with_its_token_encrypted_and_the_time_zone()
    {
        var profile = await (await app.Api().GetAsync("/api/tenant/profile")).ShouldBeSuccessAsync();

        profile.GetProperty("twilio_sid").GetString().ShouldBe("ACffbbe59784f0ad8124a170bda65ebd7e");
        profile.GetProperty("twilio_token_mask").GetString().ShouldBe("••••7aa3");
        profile.GetProperty("from_number").GetString().ShouldBe("+15005550006");
        profile.GetProperty("settings").GetProperty("time_zone").GetString().ShouldBe("America/Los_Angeles");
        profile.ToString().ShouldNotContain(ImportedLegacyApp.LegacyAuthToken);

        await using var connection = await app.Db.OpenAsync();
        var stored = await connection.QuerySingleAsync<(string Token, string Origin)>(
            "SELECT twilio_token_encrypted, legacy_site_origin FROM tenants WHERE id = 'harbor'");
        stored.Token.ShouldNotContain(ImportedLegacyApp.LegacyAuthToken);
        stored.Origin.ShouldBe("http://voice.harbordental.example");
    }

    [Fact]
    public async Task Users_keep_their_flags_and_sign_in_with_their_legacy_password_which_is_stored_only_hashed()
    {
        var users = (await app.AllAsync("/api/users")).ToDictionary(u => u.GetProperty("username").GetString()!);
        users.Keys.Order(StringComparer.Ordinal).ShouldBe(["admin", "jsmith", "olga", "zoë.müller"]);
        users["admin"].GetProperty("is_admin").GetBoolean().ShouldBeTrue();
        users["jsmith"].GetProperty("is_admin").GetBoolean().ShouldBeFalse();
        users["jsmith"].GetProperty("display_name").GetString().ShouldBe("John \"Johnny\" Smith");
        users["zoë.müller"].GetProperty("display_name").GetString().ShouldBe("Zoë Müller-Østergaard");
        users["olga"].GetProperty("display_name").GetString().ShouldBe("Ольга Петрова");
        users["olga"].GetProperty("is_active").GetBoolean().ShouldBeFalse();
        // Legacy "" and NULL alike are "no value".
        users["zoë.müller"].GetProperty("email").ValueKind.ShouldBe(JsonValueKind.Null);
        users["olga"].GetProperty("email").ValueKind.ShouldBe(JsonValueKind.Null);

        var jsmith = await (await app.LoginAsync("harbor", "jsmith", "Summer2008!")).ShouldBeSuccessAsync();
        jsmith.GetProperty("user").GetProperty("must_change_password").GetBoolean().ShouldBeFalse();
        var admin = await (await app.LoginAsync("harbor", "admin", "admin")).ShouldBeSuccessAsync();
        admin.GetProperty("user").GetProperty("must_change_password").GetBoolean().ShouldBeTrue();
        admin.GetProperty("user").GetProperty("is_admin").GetBoolean().ShouldBeTrue();
        await (await app.LoginAsync("harbor", "zoë.müller", "pässwörd,\"1\"")).ShouldBeSuccessAsync();
        await (await app.LoginAsync("harbor", "jsmith", "summer2008!")).ShouldBeErrorAsync(401, "UNAUTHORIZED");
        // Inactive in the legacy app, inactive here: the right password does not open it.
        await (await app.LoginAsync("harbor", "olga", "привет123")).ShouldBeErrorAsync(401, "UNAUTHORIZED");

        await using var connection = await app.Db.OpenAsync();
        var hashes = (await connection.QueryAsync<string>("SELECT password_hash FROM users WHERE tenant_id = 'harbor'")).ToList();
        hashes.ShouldAllBe(h => h.StartsWith("$2", StringComparison.Ordinal));
        foreach (var file in Directory.EnumerateFiles(app.DataDirectory, "app.db*"))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            foreach (var secret in new[] { "Summer2008!", "pässwörd,\"1\"", "привет123" })
                Contains(bytes, Encoding.UTF8.GetBytes(secret)).ShouldBeFalse($"{secret} is in {file}");
        }
    }

    [Fact]
    public async Task Voice_messages_keep_their_text_exactly_with_the_products_variables_and_current_voices()
    {
        var voices = (await app.AllAsync("/api/voice-messages")).ToDictionary(v => v.GetProperty("name").GetString()!);
        voices.Count.ShouldBe(8);

        Text(voices["Welcome – main line"]).ShouldBe("Welcome to Harbor Dental.\r\nOur hours are Monday to Friday, 8 a.m. to 6 p.m.");
        Text(voices["Storm closure"]).ShouldBe("Due to severe weather, the office is closed today.\r\nWe will call you to reschedule.");
        Text(voices["Payment overdue"]).ShouldBe("Hi {{first_name}}, your balance of ${{amount}} is overdue. Reply \"PAY\" to pay now, or call us.");
        Text(voices["Recall (old style)"]).ShouldBe("Dear {{first_name}} {{last_name}}, you are due for your 6-month check-up. Call us at {{office_phone}}.");
        Text(voices["Survey"]).ShouldBe("Thanks for visiting, {{first_name}}! On a scale of 1-5, how did we do? Dr. Müller's team appreciates it.");
        Text(voices["Rappel français"]).ShouldBe("Bonjour {{first_name}}, ceci est un rappel pour votre rendez-vous du {{appointment_date}}. Merci et à bientôt — l'équipe.");
        Text(voices["Напоминание (RU)"]).ShouldBe("Здравствуйте, {{first_name}}! Напоминаем о визите {{appointment_date}} в {{appointment_time}}.");

        // alice / man / woman and the Tropo voices through the documented legacy mapping; the language from the voice's TwiML.
        Voice(voices["Appointment reminder"]).ShouldBe(("Polly.Joanna", "en-US"));
        Voice(voices["Welcome – main line"]).ShouldBe(("Polly.Kimberly", "en-US"));
        Voice(voices["Recall (old style)"]).ShouldBe(("Polly.Joey", "en-US"));
        Voice(voices["Storm closure"]).ShouldBe(("Polly.Matthew", "en-US"));
        Voice(voices["Rappel français"]).ShouldBe(("Polly.Lea", "fr-FR"));
        voices["Storm closure"].GetProperty("is_active").GetBoolean().ShouldBeFalse();
        voices["Welcome – main line"].GetProperty("voice_rate").GetString().ShouldBe("slow");
        voices["Appointment reminder"].GetProperty("voice_type").GetString().ShouldBe("reminder");

        // The migrated text renders with the product's variables.
        var id = voices["Appointment reminder"].GetProperty("id").GetInt64();
        var preview = await (await app.Api().GetAsync(
            $"/api/voice-messages/{id}/preview?first_name=Ann&appointment_date=May%203&appointment_time=10:30")).ShouldBeSuccessAsync();
        preview.ToString().ShouldContain("Hello Ann, this is Harbor Dental reminding you of your appointment on May 3 at 10:30.");
    }

    [Fact]
    public async Task The_audio_library_gets_the_files_checked_by_content_and_a_missing_one_as_inactive()
    {
        var files = (await app.AllAsync("/api/files")).ToDictionary(f => f.GetProperty("filename").GetString()!);
        files.Keys.Order(StringComparer.Ordinal).ShouldBe(
            ["appointment-reminder.mp3", "après hours.mp3", "hold-tone.mp3", "old-promo-2009.mp3", "survey_thanks.mp3", "welcome.mp3"]);
        "après hours.mp3".IsNormalized(NormalizationForm.FormC).ShouldBeTrue();

        files["welcome.mp3"].GetProperty("file_type").GetString().ShouldBe("mp3");
        files["welcome.mp3"].GetProperty("description").GetString().ShouldBe("Main greeting, recorded by \"Dr. Lee\"");
        files["appointment-reminder.mp3"].GetProperty("description").GetString().ShouldBe("Reminder intro\r\nused by the reminder campaign");
        files["après hours.mp3"].GetProperty("description").GetString().ShouldBe("Message d'après-midi / after hours, voix « française »");
        Tags(files["après hours.mp3"]).ShouldBe(["closed", "after-hours"]);
        Tags(files["appointment-reminder.mp3"]).ShouldBe(["reminder", "appointments"]);
        files["welcome.mp3"].GetProperty("caller_number").GetString().ShouldBe("+12065550147");
        files["appointment-reminder.mp3"].GetProperty("caller_number").GetString().ShouldBe("+12065550183");
        files["après hours.mp3"].GetProperty("caller_number").GetString().ShouldBe("+12065550119");
        files["survey_thanks.mp3"].GetProperty("caller_number").ValueKind.ShouldBe(JsonValueKind.Null);
        files["hold-tone.mp3"].GetProperty("is_active").GetBoolean().ShouldBeFalse();
        files["old-promo-2009.mp3"].GetProperty("is_active").GetBoolean().ShouldBeFalse();

        foreach (var name in new[] { "welcome.mp3", "après hours.mp3", "hold-tone.mp3" })
        {
            var id = files[name].GetProperty("id").GetInt64();
            var download = await app.Api().GetAsync($"/api/files/{id}/download");
            ((int)download.StatusCode).ShouldBe(200, name);
            (await download.Content.ReadAsByteArrayAsync()).ShouldBe(await File.ReadAllBytesAsync(Path.Combine(LegacyCommand.Mp3Folder, name)), name);
        }
    }

    [Fact]
    public async Task History_holds_every_call_and_SMS_exactly_marked_as_imported_in_UTC_and_counted_in_usage()
    {
        var rows = await app.AllAsync("/api/communication/history?date_from=2000-01-01");
        rows.Count.ShouldBe(40);
        rows.ShouldAllBe(r => r.GetProperty("imported").GetBoolean());
        var calls = rows.Where(r => r.GetProperty("network_type").GetString() == "call").ToList();
        var sms = rows.Where(r => r.GetProperty("network_type").GetString() == "sms").ToList();
        StatusCounts(calls).ShouldBe(new Dictionary<string, int> { ["busy"] = 3, ["completed"] = 9, ["failed"] = 3, ["no-answer"] = 3, ["queued"] = 2 });
        StatusCounts(sms).ShouldBe(new Dictionary<string, int> { ["delivered"] = 10, ["failed"] = 3, ["queued"] = 3, ["undelivered"] = 4 });

        var bySid = rows.Where(r => r.GetProperty("twilio_sid").ValueKind == JsonValueKind.String)
            .ToDictionary(r => r.GetProperty("twilio_sid").GetString()!);
        var first = bySid["CA4ffc520fe40b6c8657d93acc8e7ea2c1"]; // LogID 1, 2009-05-25 11:39:24 Pacific daylight time
        first.GetProperty("to_number").GetString().ShouldBe("+12065550123");
        first.GetProperty("from_number").GetString().ShouldBe("+12065550100");
        first.GetProperty("created_at").GetString().ShouldBe("2009-05-25T18:39:24Z");
        first.GetProperty("error_message").GetString().ShouldBe("The remote server returned an error: (400) Bad Request.");
        first.GetProperty("cost_amount").GetDecimal().ShouldBe(0.0000m);

        var confirmed = bySid["SMb9268ae2e631c326dd5b8f2393a42de4"]; // LogID 6
        confirmed.GetProperty("message_content").GetString().ShouldBe("Hi Zoë, your appointment is confirmed.\r\nReply \"C\" to cancel, or call (206) 555-0147, ext. 2.");
        var standard = bySid["CA7d47fa5b46c4386d36cd8f4c33493116"]; // LogID 16, 2013-05-17, $0.013
        standard.GetProperty("cost_amount").GetDecimal().ShouldBe(0.013m);
        standard.GetProperty("duration_seconds").GetInt32().ShouldBe(58);
        standard.GetProperty("created_at").GetString().ShouldBe("2013-05-18T01:11:14Z");
        var winter = bySid["SMde85cd2c53db7218aea954ffe9f5c666"]; // LogID 13, 2013-01-07 09:32:56 Pacific standard time
        winter.GetProperty("created_at").GetString().ShouldBe("2013-01-07T17:32:56Z");
        winter.GetProperty("error_code").GetInt32().ShouldBe(30006);
        winter.GetProperty("error_message").GetString().ShouldBe("30006: Landline or unreachable carrier");
        winter.GetProperty("cost_amount").GetDecimal().ShouldBe(0.0075m);
        bySid["SMbb5035604394f6b91fd9514cb6e79ee5"].GetProperty("segments").GetInt32().ShouldBe(2); // Cyrillic, past 70 characters
        bySid["SM01bbaf8aa9c8ef1422c6dd4cc99c4558"].GetProperty("cost_amount").ValueKind.ShouldBe(JsonValueKind.Null); // queued
        bySid["SMb408579b33708b2ee146a115d5a9db74"].GetProperty("message_content").ValueKind.ShouldBe(JsonValueKind.Null); // LogID 20, ""
        bySid["CAcd68fd2cf8f2b2024ebf6f86cdf5aa9e"].GetProperty("message_content").ValueKind.ShouldBe(JsonValueKind.Null); // LogID 29, NULL
        bySid["SM36f8daa7c318e459b8bfe333d5d80b23"].GetProperty("to_number").GetString().ShouldBe("+12065550188"); // LogID 31
        rows.Count(r => r.GetProperty("twilio_sid").ValueKind == JsonValueKind.Null).ShouldBe(3);
        // The legacy call's TwiML file links the row to the migrated voice message.
        first.GetProperty("voice_message_id").ValueKind.ShouldBe(JsonValueKind.Number);

        var usage = await (await app.Api().GetAsync("/api/tenant/usage?from=2019-01-01&to=2019-12-31")).ShouldBeSuccessAsync();
        usage.GetProperty("totals").ToString().ShouldContain("2");
        usage.GetProperty("total_cost").GetDecimal().ShouldBe(0.0225m); // LogIDs 39 and 40
    }

    [Fact]
    public async Task Imported_history_has_no_outbox_entry_and_is_never_sent_or_reconciled_again()
    {
        await using var connection = await app.Db.OpenAsync();
        (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox")).ShouldBe(0);
        // Queued for years and far past the stale threshold: exactly what the reconciler would re-fetch from Twilio.
        (await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM communication_log WHERE status_rank < 4 AND twilio_sid IS NOT NULL")).ShouldBe(5);

        (await app.Service<OutboxWorker>().ReconcileStaleRowsAsync(CancellationToken.None)).ShouldBe(0);
        app.Logs.AllText().ShouldNotContain("Reconciling log"); // not even tried (Twilio is unreachable here, so a try would log)
        (await app.Service<OutboxWorker>().SendDueAsync(CancellationToken.None)).ShouldBe(0);
        var queued = await app.AllAsync("/api/communication/history?date_from=2000-01-01&status=queued");
        queued.Count.ShouldBe(5);
        queued.ShouldAllBe(r => r.GetProperty("status").GetString() == "queued");
    }

    private static List<string> Problems(JsonElement report) =>
        report.GetProperty("problems").EnumerateArray()
            .Select(p => $"{p.GetProperty("table").GetString()} #{p.GetProperty("legacy_id")} {p.GetProperty("kind").GetString()}").ToList();

    private static string? Text(JsonElement voice) => voice.GetProperty("voice_text").GetString();

    private static (string?, string?) Voice(JsonElement voice) => (voice.GetProperty("voice").GetString(), voice.GetProperty("language").GetString());

    private static string[] Tags(JsonElement file) => file.GetProperty("tag_list").EnumerateArray().Select(t => t.GetString()!).ToArray();

    private static Dictionary<string, int> StatusCounts(IEnumerable<JsonElement> rows) =>
        rows.GroupBy(r => r.GetProperty("status").GetString()!).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}

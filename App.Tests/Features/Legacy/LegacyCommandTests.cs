using System.Text;
using App.Features.Legacy;
using App.Tests.Support;

namespace App.Tests.Features.Legacy;

/// <summary>
/// The command's edges: other Access files (the ACE .accdb and compressed-Unicode text of the third-party samples),
/// untidy MP3 folders, a machine without mdbtools, and wrong arguments.
/// </summary>
public sealed class LegacyCommandTests : IDisposable
{
    private static readonly string ThirdParty = Path.Combine(LegacyCommand.LegacyFolder, "third-party");
    private static readonly string Accdb = Path.Combine(ThirdParty, "mdb-reader__data_V2010_test.accdb");
    private static readonly string UnicodeMdb = Path.Combine(ThirdParty, "jackcess__testUnicodeCompV2003.mdb");

    private readonly AppFactory _app = new();
    private readonly LegacyCommand _command;
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "switchboard-legacy-files", Guid.NewGuid().ToString("N"));

    public LegacyCommandTests() => _command = new LegacyCommand(_app.DataDirectory);

    [Fact]
    public void Mdbtools_reads_an_Access_2010_accdb_with_ISO_dates_and_four_decimal_currency()
    {
        MdbTools.Tables(Accdb).ShouldBe(["Table1", "Table2", "Table3", "Table4"]);

        var rows = MdbTools.Export(Accdb, "Table1");

        rows.Count.ShouldBe(2);
        rows[0]["A"].ShouldBe("a");
        rows[0]["G"].ShouldBe("1981-12-12 00:00:00");
        rows[0]["H"].ShouldBe("0.0000");
        rows[1]["B"].ShouldBe("hijklmnop");
        rows[1]["E"].ShouldBe("333333333");
        rows[1]["F"].ShouldBe("444.555");
        rows[1]["G"].ShouldBe("1974-09-21 00:00:00");
        rows[1]["H"].ShouldBe("3.5000");
    }

    [Fact]
    public void Mdbtools_reads_compressed_Unicode_text_in_every_script_with_quotes_and_control_characters_intact()
    {
        var text = MdbTools.Export(UnicodeMdb, "Table").ToDictionary(r => r["ID"]!, r => r["Unicode"]);

        text["2"].ShouldBe("ääkkösiä");
        text["3"].ShouldBe("Мир");
        text["4"].ShouldBe("ϰαὶ τ\u1F79τ' ἐγὼ Κ\u1F7Bϰλωπα"); // Greek with polytonic accents, exactly as stored
        text["5"].ShouldBe("漢字仮名交じり文");
        var everything = text["8"]!;
        everything.ShouldStartWith("\u0001\u0002\u0003\u0004\u0005\u0006\a\b\t\n\v\f\r");
        everything.ShouldContain(" !\"#$%&'()*+,-./0123456789:;<=>?@ABC");
        everything.ShouldEndWith("üýþÿ");
    }

    [Fact]
    public async Task The_accdb_is_refused_as_not_a_legacy_database_naming_the_tables_it_holds_and_nothing_is_written()
    {
        var result = await _command.ImportAsync("acme", Accdb, LegacyCommand.Mp3Folder, "--json");

        result.ExitCode.ShouldBe(1);
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldContain("is not a database of the legacy application: it has the tables Table1, Table2, Table3, Table4");
        (await _command.RunAsync("tenant", "list")).Stdout.Trim().ShouldBe("[]");
    }

    [Fact]
    public async Task Files_are_checked_by_content_matched_as_IIS_would_and_untidy_folders_are_reported()
    {
        var folder = Path.Combine(_scratch, "mp3");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.EnumerateFiles(LegacyCommand.Mp3Folder)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        var wav = AudioFixtures.Wav(1.0);
        await File.WriteAllBytesAsync(Path.Combine(folder, "survey_thanks.mp3"), wav);            // a WAV named .mp3
        await File.WriteAllTextAsync(Path.Combine(folder, "hold-tone.mp3"), "404 Not Found");      // not audio at all
        File.Copy(Path.Combine(folder, "appointment-reminder.mp3"), Path.Combine(folder, "stray.mp3")); // no row names it
        File.Move(Path.Combine(folder, "welcome.mp3"), Path.Combine(folder, "Welcome.MP3"));         // IIS ignored case
        File.Move(Path.Combine(folder, "après hours.mp3"), Path.Combine(folder, "après hours.mp3".Normalize(NormalizationForm.FormD)));

        var result = await _command.ImportAsync("harbor", LegacyCommand.Mdb, folder, "--json");

        result.ExitCode.ShouldBe(0, result.Stderr);
        var problems = result.Report.GetProperty("problems").EnumerateArray()
            .Select(p => $"{p.GetProperty("table").GetString()} #{p.GetProperty("legacy_id")} {p.GetProperty("kind").GetString()}").ToList();
        problems.ShouldContain("VoiceFile #4 format_mismatch");
        problems.ShouldContain("VoiceFile #5 not_audio");
        problems.ShouldContain("files # unreferenced_file");
        problems.ShouldNotContain("VoiceFile #1 missing_file");
        problems.ShouldNotContain("VoiceFile #3 missing_file");
        result.Report.GetProperty("problems").EnumerateArray().Single(p => p.GetProperty("kind").GetString() == "unreferenced_file")
            .GetProperty("message").GetString()!.ShouldStartWith("stray.mp3 ");

        var client = _app.ClientWithKey(result.Report.GetProperty("tenant").GetProperty("api_key").GetString()!);
        var files = (await (await client.GetAsync("/api/files")).ShouldBeSuccessAsync()).EnumerateArray()
            .ToDictionary(f => f.GetProperty("filename").GetString()!);
        files.Count.ShouldBe(6);
        files["survey_thanks.mp3"].GetProperty("file_type").GetString().ShouldBe("wav");
        files["survey_thanks.mp3"].GetProperty("content_type").GetString().ShouldBe("audio/wav");
        files["hold-tone.mp3"].GetProperty("is_active").GetBoolean().ShouldBeFalse();
        files["welcome.mp3"].GetProperty("is_active").GetBoolean().ShouldBeTrue();

        var served = await client.GetAsync("/legacy/harbor/files/mp3/survey_thanks.mp3");
        served.Content.Headers.ContentType!.MediaType.ShouldBe("audio/wav");
        (await served.Content.ReadAsByteArrayAsync()).ShouldBe(wav);
        var welcome = await client.GetAsync("/legacy/harbor/files/mp3/welcome.mp3");
        (await welcome.Content.ReadAsByteArrayAsync()).ShouldBe(await File.ReadAllBytesAsync(Path.Combine(LegacyCommand.Mp3Folder, "welcome.mp3")));
    }

    [Fact]
    public async Task Without_mdbtools_the_command_says_which_package_to_install()
    {
        _command.PathOverride = Path.Combine(_scratch, "empty-bin");

        var result = await _command.ImportAsync();

        result.ExitCode.ShouldBe(1);
        result.Stderr.ShouldContain("mdb-tables was not found");
        result.Stderr.ShouldContain("apt-get install -y mdbtools");
    }

    [Fact]
    public async Task Wrong_arguments_get_the_usage_a_dry_run_needs_a_prepared_database_and_a_bad_tenant_id_is_refused()
    {
        var dry = await _command.ImportAsync("--dry-run");
        dry.ExitCode.ShouldBe(1);
        dry.Stderr.ShouldContain("a dry run changes nothing");
        File.Exists(Path.Combine(_app.DataDirectory, "app.db")).ShouldBeFalse();

        var usage = await _command.RunAsync("legacy", "import", "--tenant", "harbor");
        usage.ExitCode.ShouldBe(2);
        usage.Stderr.ShouldContain("--web-config");

        var zone = await _command.RunAsync("legacy", "import", "--tenant", "harbor", "--mdb", LegacyCommand.Mdb, "--web-config", LegacyCommand.WebConfig,
            "--files", LegacyCommand.Mp3Folder, "--time-zone", "Mars/Olympus");
        zone.ExitCode.ShouldBe(2);
        zone.Stderr.ShouldContain("'Mars/Olympus' is not a time zone");

        var badId = await _command.ImportAsync("Harbor Dental", LegacyCommand.Mdb, LegacyCommand.Mp3Folder);
        badId.ExitCode.ShouldBe(1);
        badId.Stderr.ShouldContain("tenant id");
    }

    public void Dispose()
    {
        _app.Dispose();
        try { Directory.Delete(_scratch, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}

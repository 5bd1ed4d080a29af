using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace App.Features.Legacy;

/// <summary>One row of a legacy table as mdb-export wrote it, with typed readers that never throw.</summary>
public sealed class LegacyRow(string table, IReadOnlyDictionary<string, string?> values)
{
    public string Table { get; } = table;

    /// <summary>Text as stored (CRLF, spaces, quotes kept); null for NULL and for a zero-length string alike.</summary>
    public string? Text(string column) => values.TryGetValue(column, out var value) ? value : null;

    public long? Number(string column) =>
        long.TryParse(Text(column), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number : null;

    /// <summary>Yes/No columns come out as 1/0 (or TRUE/FALSE with other exporters).</summary>
    public bool Bool(string column, bool whenNull) => Text(column)?.Trim().ToUpperInvariant() switch
    {
        null => whenNull,
        "1" or "-1" or "TRUE" or "YES" => true,
        _ => false,
    };

    public decimal? Amount(string column) =>
        decimal.TryParse(Text(column), NumberStyles.Number, CultureInfo.InvariantCulture, out var amount) ? amount : null;

    /// <summary>A Date/Time value: naive local time, exactly as the legacy server's clock wrote it.</summary>
    public DateTime? LocalTime(string column) =>
        DateTime.TryParseExact(Text(column), ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? DateTime.SpecifyKind(time, DateTimeKind.Unspecified)
            : null;

    /// <summary>True when the column holds something that is not empty but could not be read as <paramref name="parsed"/>.</summary>
    public bool Unreadable(string column, object? parsed) => Text(column) is not null && parsed is null;
}

/// <summary>The legacy application's tables, under the names the import reports them by.</summary>
public static class LegacyTables
{
    public const string Users = "Users", Voice = "Voice", VoiceXml = "VoiceXML", VoiceFile = "VoiceFile", CallLog = "CallLog";

    public static readonly IReadOnlyList<string> All = [Users, Voice, VoiceXml, VoiceFile, CallLog];
}

/// <summary>
/// Everything a legacy installation leaves behind, read once before anything is written: the Access tables, the
/// site's Web.config and the files in its MP3 folder.
/// </summary>
public sealed class LegacySource
{
    public required string AccessFile { get; init; }
    public required IReadOnlyList<string> TablesInFile { get; init; }
    public required IReadOnlyDictionary<string, IReadOnlyList<LegacyRow>> Tables { get; init; }
    public required IReadOnlyDictionary<string, string> AppSettings { get; init; }

    /// <summary>The MP3 folder's files, by their path relative to it ('/' separated, NFC).</summary>
    public required IReadOnlyDictionary<string, string> Files { get; init; }

    public IReadOnlyList<LegacyRow> Rows(string table) => Tables.TryGetValue(table, out var rows) ? rows : [];

    public bool Has(string table) => Tables.ContainsKey(table);

    public string? Setting(string key) =>
        AppSettings.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    public static LegacySource Read(string accessFile, string webConfig, string filesDirectory)
    {
        if (!File.Exists(accessFile)) throw new LegacyImportException($"The Access file {accessFile} does not exist.");
        if (!File.Exists(webConfig)) throw new LegacyImportException($"The Web.config file {webConfig} does not exist.");
        if (!Directory.Exists(filesDirectory)) throw new LegacyImportException($"The files folder {filesDirectory} does not exist.");

        var settings = ReadAppSettings(webConfig);
        var inFile = MdbTools.Tables(accessFile);
        var tables = new Dictionary<string, IReadOnlyList<LegacyRow>>(StringComparer.Ordinal);
        foreach (var name in LegacyTables.All)
        {
            var actual = inFile.FirstOrDefault(t => string.Equals(t, name, StringComparison.OrdinalIgnoreCase));
            if (actual is null) continue;
            tables[name] = MdbTools.Export(accessFile, actual).Select(values => new LegacyRow(name, values)).ToList();
        }

        if (tables.Count == 0)
            throw new LegacyImportException(
                $"{Path.GetFileName(accessFile)} is not a database of the legacy application: it has the tables " +
                $"{(inFile.Count == 0 ? "(none)" : string.Join(", ", inFile))}, and none of {string.Join(", ", LegacyTables.All)}.");

        return new LegacySource
        {
            AccessFile = accessFile,
            TablesInFile = inFile,
            Tables = tables,
            AppSettings = settings,
            Files = ListFiles(filesDirectory),
        };
    }

    private static Dictionary<string, string> ReadAppSettings(string webConfig)
    {
        XDocument document;
        try
        {
            document = XDocument.Load(webConfig);
        }
        catch (XmlException error)
        {
            throw new LegacyImportException($"{webConfig} is not readable XML: {error.Message}", error);
        }

        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var add in document.Root?.Element("appSettings")?.Elements("add") ?? [])
        {
            if (add.Attribute("key")?.Value is { } key) settings[key] = add.Attribute("value")?.Value ?? "";
        }

        return settings;
    }

    private static Dictionary<string, string> ListFiles(string directory)
    {
        var root = Path.GetFullPath(directory);
        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(
                path => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/').Normalize(NormalizationForm.FormC),
                path => path,
                StringComparer.Ordinal);
    }
}

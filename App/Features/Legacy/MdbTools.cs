using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace App.Features.Legacy;

/// <summary>Raised when an Access file cannot be read; the message is meant for the operator running the import.</summary>
public sealed class LegacyImportException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads Access files (Jet 3/4 <c>.mdb</c> and ACE <c>.accdb</c>) through Debian's mdbtools: <c>mdb-tables</c> for the
/// table names and <c>mdb-export</c> for the rows, as CSV with ISO dates. No Access format is parsed here.
/// </summary>
/// <remarks>
/// mdb-export quotes text (a quote inside is doubled, CRLF inside stays), writes Yes/No as 1/0 and currency with four
/// decimals, and prints NULL and a zero-length string alike, as an empty field: both become null here, which is also
/// how Switchboard stores "no value".
/// </remarks>
public static class MdbTools
{
    public const string Package = "mdbtools";
    public const string IsoDateFormat = "%Y-%m-%d %H:%M:%S";

    public static IReadOnlyList<string> Tables(string accessFile) =>
        Run("mdb-tables", ["-1", accessFile]).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Every row of the table, each as column name → value (null for NULL and for a zero-length string).</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string?>> Export(string accessFile, string table)
    {
        var csv = Run("mdb-export", ["-D", IsoDateFormat, "-T", IsoDateFormat, "-b", "hex", accessFile, table]);
        var records = Csv.Parse(csv, table);
        if (records.Count == 0) return [];
        var header = records[0];
        var rows = new List<IReadOnlyDictionary<string, string?>>(records.Count - 1);
        foreach (var record in records.Skip(1))
        {
            if (record.Count != header.Count)
                throw new LegacyImportException($"mdb-export wrote a row of table {table} with {record.Count} fields where the header has {header.Count}.");
            var row = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < header.Count; i++) row[header[i] ?? ""] = record[i];
            rows.Add(row);
        }

        return rows;
    }

    private static string Run(string tool, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // Text comes out in the locale's charset: ask for UTF-8 whatever the machine's locale is.
        start.Environment["LC_ALL"] = "C.UTF-8";

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new LegacyImportException($"{tool} could not be started.");
        }
        catch (Win32Exception notFound)
        {
            throw new LegacyImportException(
                $"{tool} was not found. Reading Access files needs the Debian package '{Package}': apt-get install -y {Package}", notFound);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new LegacyImportException($"{tool} could not read {Path.GetFileName(arguments[^1])}: {stderr.Result.Trim()}");
            return stdout;
        }
    }

    /// <summary>RFC 4180 as mdb-export writes it: fields separated by commas, records by LF, quoted fields may hold anything.</summary>
    internal static class Csv
    {
        public static List<List<string?>> Parse(string text, string table)
        {
            var records = new List<List<string?>>();
            var record = new List<string?>();
            var field = new StringBuilder();
            var quoted = false;
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                if (quoted)
                {
                    if (c != '"') field.Append(c);
                    else if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else quoted = false;
                }
                else if (c == '"' && field.Length == 0) quoted = true;
                else if (c == ',') EndField();
                else if (c == '\n' || (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n'))
                {
                    if (c == '\r') i++;
                    EndField();
                    records.Add(record);
                    record = [];
                }
                else field.Append(c);

                i++;
            }

            if (quoted) throw new LegacyImportException($"mdb-export's output for table {table} ends inside a quoted value.");
            if (field.Length > 0 || record.Count > 0)
            {
                EndField();
                records.Add(record);
            }

            return records;

            void EndField()
            {
                record.Add(field.Length == 0 ? null : field.ToString());
                field.Clear();
            }
        }
    }
}

using System.Text;
using nietras.SeparatedValues;

namespace App.Features.Campaigns;

/// <summary>
/// Reads a campaign's spreadsheet as Excel and LibreOffice save it as CSV: UTF-8 with or without a byte order mark,
/// comma or semicolon (taken from the header line), fields in double quotes with "" inside. The first line names the
/// columns: one is <c>to</c>, every other one is a variable. Rows are read one at a time from the file (Sep), so memory
/// stays flat whatever the file's size. A file that cannot be read this way is refused whole with
/// <see cref="RefusedException"/>, saying what to do about it.
/// </summary>
public sealed class CampaignCsv : IDisposable
{
    public const string ToColumn = "to";

    /// <param name="Line">The row's line in the file (the header is line 1).</param>
    /// <param name="Values">The variables of this row that have a value, by column name.</param>
    public sealed record Row(int Line, string To, Dictionary<string, string> Values);

    public sealed class RefusedException(string message) : Exception(message);

    private readonly StreamReader _text;
    private readonly SepReader _reader;
    private readonly int _toIndex;
    private readonly (int Index, string Name)[] _variables;
    private int _lastLine = 1;

    private CampaignCsv(StreamReader text, SepReader reader, int toIndex, (int, string)[] variables)
    {
        _text = text;
        _reader = reader;
        _toIndex = toIndex;
        _variables = variables;
    }

    /// <summary>The variable columns, as the header names them.</summary>
    public IReadOnlyList<string> Variables => _variables.Select(v => v.Name).ToArray();

    public char Separator => _reader.Spec.Sep.Separator;

    public static CampaignCsv Open(string path)
    {
        // Invalid UTF-8 throws instead of turning into replacement characters: a file saved in another encoding is
        // refused with advice, not sent with garbled names. A UTF-16 file (Excel's "Unicode text") is read by its BOM.
        var text = new StreamReader(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true),
            detectEncodingFromByteOrderMarks: true, new FileStreamOptions { BufferSize = 64 * 1024, Options = FileOptions.SequentialScan });
        try
        {
            var reader = Guard(() => Sep.Reader(o => o with
            {
                Unescape = true,
                Trim = SepTrim.All,
                DisableColCountCheck = true,
                ColNameComparer = StringComparer.OrdinalIgnoreCase,
            }).From(text), line: 1);
            if (reader.Header.IsEmpty) throw new RefusedException("The file is empty. Save the spreadsheet as CSV with a header line that names the columns, one of them 'to'.");

            var names = reader.Header.ColNames.Select(n => n.Trim()).ToList();
            if (names.Any(n => n.Contains('\0', StringComparison.Ordinal)))
                throw new RefusedException("The file is not a CSV text file (it holds binary data). Save the spreadsheet as 'CSV UTF-8'.");
            var toIndex = names.FindIndex(n => string.Equals(n, ToColumn, StringComparison.OrdinalIgnoreCase));
            if (toIndex < 0)
            {
                var shown = string.Join(", ", names.Take(10).Select(n => "'" + Shorten(n) + "'"));
                throw new RefusedException(
                    $"The header line has no 'to' column (it has {shown}{(names.Count > 10 ? ", …" : "")}). Name the column of phone numbers 'to'.");
            }

            var duplicate = names.Where(n => n.Length > 0).GroupBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) throw new RefusedException($"The column '{Shorten(duplicate.Key)}' appears twice in the header line.");

            var variables = names.Select((name, index) => (Index: index, Name: name))
                .Where(c => c.Index != toIndex && c.Name.Length > 0)
                .ToArray();
            return new CampaignCsv(text, reader, toIndex, variables);
        }
        catch
        {
            text.Dispose();
            throw;
        }
    }

    /// <summary>The data rows in file order; lines with no value at all (Excel's trailing ",,,") are left out.</summary>
    public IEnumerable<Row> Rows()
    {
        while (Guard(() => _reader.MoveNext(), _lastLine + 1))
        {
            if (Read(_reader) is { } row) yield return row;
        }
    }

    private Row? Read(SepReader reader)
    {
        var current = reader.Current;
        _lastLine = current.LineNumberToExcl - 1;
        var to = _toIndex < current.ColCount ? current[_toIndex].ToString() : "";
        var values = new Dictionary<string, string>(_variables.Length, StringComparer.OrdinalIgnoreCase);
        foreach (var (index, name) in _variables)
        {
            if (index >= current.ColCount) continue;
            var value = current[index].ToString();
            if (value.Length > 0) values[name] = value;
        }

        if (to.Length == 0 && values.Count == 0) return null;
        if (to.Contains('\0', StringComparison.Ordinal) || values.Values.Any(v => v.Contains('\0', StringComparison.Ordinal)))
            throw new RefusedException($"Line {current.LineNumberFrom} holds binary data: the file is not a CSV text file. Save the spreadsheet as 'CSV UTF-8'.");
        return new Row(current.LineNumberFrom, to, values);
    }

    private static T Guard<T>(Func<T> read, int line)
    {
        try
        {
            return read();
        }
        catch (DecoderFallbackException)
        {
            throw new RefusedException(
                $"The file is not UTF-8 text (from about line {line}). In Excel use Save As → 'CSV UTF-8 (Comma delimited)'; in LibreOffice choose the character set 'Unicode (UTF-8)'.");
        }
    }

    private static string Shorten(string name) => name.Length <= 40 ? name : name[..40] + "…";

    public void Dispose()
    {
        _reader.Dispose();
        _text.Dispose();
    }
}

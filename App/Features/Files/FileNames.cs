using System.Globalization;
using System.Text;
using App.Features.Files.Audio;

namespace App.Features.Files;

/// <summary>
/// The client's file name is metadata only. It is tidied for display — last path segment, no control or
/// invisible formatting characters (NUL, bidi overrides), NFC, at most 200 characters with the extension kept —
/// and never used to build a path.
/// </summary>
public static class FileNames
{
    public const int MaxLength = 200;

    public static string ForDisplay(string? clientName, string format)
    {
        var name = clientName ?? "";
        var cut = name.LastIndexOfAny(['/', '\\']);
        if (cut >= 0) name = name[(cut + 1)..];

        var kept = new StringBuilder(name.Length);
        foreach (var rune in name.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
                continue;
            kept.Append(Rune.IsWhiteSpace(rune) ? " " : rune.ToString());
        }

        name = kept.ToString().Normalize(NormalizationForm.FormC).Trim();
        if (name.Trim('.').Length == 0) name = "audio" + AudioProbe.ExtensionFor(format);
        return Shorten(name);
    }

    /// <summary>The name offered when downloading: the display name with an extension that matches the real format.</summary>
    public static string ForDownload(string displayName, string format)
    {
        var extension = Path.GetExtension(displayName).ToLowerInvariant();
        var matches = format switch
        {
            AudioProbe.Mp3 => extension is ".mp3",
            AudioProbe.Wav => extension is ".wav" or ".wave",
            AudioProbe.Aiff => extension is ".aif" or ".aiff" or ".aifc",
            _ => true,
        };
        if (matches) return displayName;
        var stem = Path.GetFileNameWithoutExtension(displayName);
        return (stem.Length == 0 ? "audio" : stem) + AudioProbe.ExtensionFor(format);
    }

    /// <summary><c>attachment; filename="ascii fallback"; filename*=UTF-8''…</c> — safe for every browser.</summary>
    public static string ContentDisposition(string name)
    {
        var fallback = AsciiFallback(name);
        var header = $"attachment; filename=\"{fallback}\"";
        // RFC 6266/5987: EscapeDataString leaves only unreserved characters, all of which are attr-chars.
        return fallback == name ? header : header + "; filename*=UTF-8''" + Uri.EscapeDataString(name);
    }

    private static string AsciiFallback(string name)
    {
        var decomposed = name.Normalize(NormalizationForm.FormD);
        var ascii = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            ascii.Append(c is < ' ' or > '~' or '"' or '\\' ? '_' : c);
        }

        return ascii.ToString();
    }

    private static string Shorten(string name)
    {
        if (name.Length <= MaxLength) return name;
        var extension = Path.GetExtension(name);
        if (extension.Length > 16) extension = "";
        var budget = MaxLength - extension.Length;
        var stem = new StringBuilder(budget);
        var elements = StringInfo.GetTextElementEnumerator(name[..^extension.Length]);
        while (elements.MoveNext() && stem.Length + elements.GetTextElement().Length <= budget)
            stem.Append(elements.GetTextElement());
        return stem.ToString().TrimEnd() + extension;
    }
}

/// <summary>
/// <c>tag_list</c> is stored comma-separated (one text column, as the legacy system kept it) and returned as an array: trimmed, empty ones
/// dropped, de-duplicated case-insensitively (the first spelling wins).
/// </summary>
public static class Tags
{
    public const int MaxTags = 20;
    public const int MaxTagLength = 50;

    public static IReadOnlyList<string> Tidy(IEnumerable<string?>? tags) =>
        (tags ?? [])
            .Select(t => new string((t ?? "").Where(c => !char.IsControl(c)).ToArray()).Trim())
            .Where(t => t.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();

    public static IReadOnlyList<string> Parse(string? stored) => Tidy(stored?.Split(','));

    /// <summary>One form field's tags: comma-separated text, or a JSON array of strings (<c>["a","b"]</c>).</summary>
    public static IEnumerable<string> FromFormField(string value)
    {
        var text = value.Trim();
        if (text.StartsWith('[') && text.EndsWith(']'))
        {
            try
            {
                if (System.Text.Json.JsonSerializer.Deserialize<string[]>(text) is { } array) return array;
            }
            catch (System.Text.Json.JsonException)
            {
                // Not JSON after all: a tag that happens to be written in brackets.
            }
        }

        return value.Split(',');
    }

    public static string? Store(IReadOnlyList<string> tags) => tags.Count == 0 ? null : string.Join(',', tags);

    /// <summary>Null when the tags are acceptable, else the sentence saying why not.</summary>
    public static string? Problem(IReadOnlyList<string> tags) =>
        tags.Count > MaxTags ? $"At most {MaxTags} tags are allowed."
        : tags.FirstOrDefault(t => t.Length > MaxTagLength) is { } tooLong ? $"The tag '{tooLong[..20]}…' is longer than {MaxTagLength} characters."
        : tags.Any(t => t.Contains(',', StringComparison.Ordinal)) ? "A tag cannot contain a comma."
        : null;
}

using System.Text.RegularExpressions;

// Ours: {{variables}} are this product's template syntax; Twilio never sees them.
namespace App.Twilio;

/// <summary>The outcome of <see cref="TemplateVariables.Render"/>. <see cref="Text"/> is null unless every placeholder was filled.</summary>
public sealed record TemplateRenderResult(string? Text, IReadOnlyList<string> MissingNames, IReadOnlyList<string> MalformedPlaceholders)
{
    public bool IsSuccess => Text is not null;
}

/// <summary>
/// The one variable syntax for SMS bodies and voice text: <c>{{name}}</c>, optionally with spaces or tabs inside the
/// braces (<c>{{ first_name }}</c>). Names are <c>[A-Za-z_][A-Za-z0-9_]*</c> and match values case-insensitively.
/// </summary>
/// <remarks>
/// <para>The legacy <c>[FirstName]</c> bracket syntax is <b>not</b> substituted: square brackets are ordinary text
/// (they are common in real messages), so templates migrated from the old app must be rewritten to <c>{{FirstName}}</c>.</para>
/// <para>Rendering is a single pass and inserts values as plain text: a value containing <c>{{x}}</c> is not expanded
/// again, and nothing is escaped here. For voice, put the rendered text into TwiML only through
/// <see cref="VoiceTwiml.Say"/>, which writes it as an XML text node, so a value such as <c>&lt;b&gt;&amp;</c> is
/// escaped, never interpreted as SSML. Never splice rendered text into an XML string.</para>
/// <para>A send with a missing or malformed placeholder must be refused: <see cref="Render"/> then returns no text.</para>
/// </remarks>
public static partial class TemplateVariables
{
    /// <summary>Distinct variable names in order of first use; the first spelling is kept when names differ only by case.</summary>
    public static IReadOnlyList<string> ExtractNames(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var names = new List<string>();
        foreach (Match match in Placeholder().Matches(template))
        {
            var name = match.Groups["name"].Value;
            if (seen.Add(name))
            {
                names.Add(name);
            }
        }

        return names;
    }

    /// <summary>
    /// The malformed placeholders, as written: every <c>{{</c> that does not start a valid <c>{{name}}</c>, e.g.
    /// <c>{{}}</c>, <c>{{first name}}</c>, <c>{{1st}}</c> or an unclosed <c>{{x</c>. Empty when the template is fine.
    /// </summary>
    public static IReadOnlyList<string> Validate(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var valid = Placeholder().Matches(template).Select(m => (m.Index, End: m.Index + m.Length)).ToList();
        var problems = new List<string>();
        var position = 0;
        while ((position = template.IndexOf("{{", position, StringComparison.Ordinal)) >= 0)
        {
            var covered = valid.FirstOrDefault(v => position >= v.Index && position < v.End);
            if (covered != default)
            {
                position = covered.End;
                continue;
            }

            // "{{{x}}}" is a literal brace around a valid placeholder.
            if (valid.Any(v => v.Index == position + 1))
            {
                position++;
                continue;
            }

            var close = template.IndexOf("}}", position + 2, StringComparison.Ordinal);
            var nextOpen = template.IndexOf("{{", position + 2, StringComparison.Ordinal);
            var end = close >= 0 && (nextOpen < 0 || close < nextOpen)
                ? close + 2
                : nextOpen >= 0 ? nextOpen : template.Length;
            problems.Add(template[position..end]);
            position = end;
        }

        return problems;
    }

    /// <summary>
    /// Replaces every placeholder with its value. Refuses (null <see cref="TemplateRenderResult.Text"/>) when a name has
    /// no value or a placeholder is malformed, listing them, so a message is never sent with a hole in it.
    /// </summary>
    public static TemplateRenderResult Render(string template, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(values);

        var malformed = Validate(template);
        var missing = ExtractNames(template).Where(name => Lookup(values, name) is null).ToList();
        if (missing.Count > 0 || malformed.Count > 0)
        {
            return new TemplateRenderResult(null, missing, malformed);
        }

        var text = Placeholder().Replace(template, match => Lookup(values, match.Groups["name"].Value)!);
        return new TemplateRenderResult(text, [], []);
    }

    /// <summary>Exact key first, then a case-insensitive match.</summary>
    private static string? Lookup(IReadOnlyDictionary<string, string> values, string name)
    {
        if (values.TryGetValue(name, out var exact))
        {
            return exact;
        }

        foreach (var pair in values)
        {
            if (string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return pair.Value;
            }
        }

        return null;
    }

    [GeneratedRegex(@"\{\{[ \t]*(?<name>[A-Za-z_][A-Za-z0-9_]*)[ \t]*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}

using System.Globalization;
using System.Text;
using System.Xml;

namespace App.Twilio;

/// <summary>Low-level helpers shared by the TwiML builders. Everything goes through <see cref="XmlWriter"/>.</summary>
internal static class TwimlText
{
    // XmlWriter would write encoding="utf-16" for a string target; Twilio's SDKs emit exactly this line.
    internal const string Declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

    private static readonly XmlWriterSettings Settings = new()
    {
        OmitXmlDeclaration = true,
        ConformanceLevel = ConformanceLevel.Document,
        Indent = false,
        CheckCharacters = true,
    };

    internal static string WriteDocument(Action<XmlWriter> writeRoot)
    {
        var builder = new StringBuilder(Declaration);
        using (var writer = XmlWriter.Create(builder, Settings))
        {
            writeRoot(writer);
        }

        return builder.ToString();
    }

    internal static void WriteOptionalAttribute(XmlWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteAttributeString(name, Clean(value));
        }
    }

    internal static void WriteOptionalAttribute(XmlWriter writer, string name, int? value)
    {
        if (value is int number)
        {
            writer.WriteAttributeString(name, number.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// Drops characters XML 1.0 cannot carry at all (control characters, lone surrogates), which would otherwise make
    /// the writer throw on user-supplied text. Everything else is kept and escaped by the writer.
    /// </summary>
    internal static string Clean(string text)
    {
        if (IsClean(text))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], c))
            {
                builder.Append(c).Append(text[i + 1]);
                i++;
            }
            else if (XmlConvert.IsXmlChar(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static bool IsClean(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (XmlConvert.IsXmlChar(c))
            {
                continue;
            }

            if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], c))
            {
                i++;
                continue;
            }

            return false;
        }

        return true;
    }
}

using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using SdkMessagingResponse = global::Twilio.TwiML.MessagingResponse;

// Ours: the SDK's TwiML builders validate nothing; this judges a document as Twilio's parser would.
namespace App.Twilio;

public enum TwimlKind
{
    /// <summary>Voice and messaging verbs both accepted.</summary>
    Any,
    Voice,
    Messaging,
}

/// <param name="ErrorCode"><see cref="TwimlDocument.ParseErrorCode"/> (12100) or <see cref="TwimlDocument.SchemaErrorCode"/> (12200).</param>
public sealed record TwimlValidationResult(bool IsValid, int? ErrorCode, string? Error)
{
    public static TwimlValidationResult Valid { get; } = new(true, null, null);
}

/// <summary>
/// Constants for serving TwiML and a structural validator, as Twilio's parser would judge a document (see
/// docs/twilio.md, "TwiML"). The root is <c>Response</c>, verbs, nouns, SSML elements and attributes come from the
/// known (case-sensitive) set, and numeric and method attributes hold sensible values.
/// Every document <see cref="VoiceTwiml"/> writes passes it; the simulator fails a call with it as Twilio would: 12100
/// when the document does not parse, 12200 on a schema error.
/// </summary>
public static class TwimlDocument
{
    public const int ParseErrorCode = 12100;
    public const int SchemaErrorCode = 12200;
    public const string ContentType = "application/xml; charset=utf-8";

    /// <summary>An empty <c>&lt;Response/&gt;</c>: the reply to a webhook that needs no action.</summary>
    public static string EmptyResponse { get; } = new SdkMessagingResponse().ToString(SaveOptions.DisableFormatting);

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    private static readonly HashSet<string> IntegerAttributes = new(StringComparer.Ordinal)
    {
        "loop", "length", "timeout", "numDigits", "maxSpeechTime",
    };

    private static readonly HashSet<string> MethodAttributes = new(StringComparer.Ordinal)
    {
        "method", "partialResultCallbackMethod",
    };

    private static readonly string[] SsmlElements = ["break", "emphasis", "lang", "p", "phoneme", "prosody", "s", "say-as", "sub", "w"];
    private static readonly string[] VoiceVerbs = ["Say", "Play", "Pause", "Gather", "Hangup", "Redirect", "Reject"];
    private static readonly string[] MessagingVerbs = ["Message", "Redirect"];

    private static readonly Dictionary<string, Rule> Rules = new(StringComparer.Ordinal)
    {
        ["Say"] = new(["voice", "language", "loop"], SsmlElements, AllowsText: true),
        ["Play"] = new(["loop", "digits"], [], AllowsText: true),
        ["Pause"] = new(["length"], [], AllowsText: false),
        ["Gather"] = new(
            ["action", "method", "timeout", "numDigits", "input", "finishOnKey", "speechTimeout", "language", "hints",
             "speechModel", "enhanced", "profanityFilter", "bargeIn", "maxSpeechTime", "partialResultCallback",
             "partialResultCallbackMethod", "actionOnEmptyResult"],
            ["Say", "Play", "Pause"],
            AllowsText: false),
        ["Hangup"] = new([], [], AllowsText: false),
        ["Redirect"] = new(["method"], [], AllowsText: true),
        ["Reject"] = new(["reason"], [], AllowsText: false),
        ["Message"] = new(["to", "from", "action", "method", "statusCallback"], ["Body", "Media"], AllowsText: true),
        ["Body"] = new([], [], AllowsText: true),
        ["Media"] = new([], [], AllowsText: true),
        ["break"] = new(["strength", "time"], [], AllowsText: false),
        ["emphasis"] = new(["level"], SsmlElements, AllowsText: true),
        ["lang"] = new(["{http://www.w3.org/XML/1998/namespace}lang"], SsmlElements, AllowsText: true),
        ["p"] = new([], SsmlElements, AllowsText: true),
        ["phoneme"] = new(["alphabet", "ph"], [], AllowsText: true),
        ["prosody"] = new(["rate", "pitch", "volume"], SsmlElements, AllowsText: true),
        ["s"] = new([], SsmlElements, AllowsText: true),
        ["say-as"] = new(["interpret-as", "format"], [], AllowsText: true),
        ["sub"] = new(["alias"], [], AllowsText: true),
        ["w"] = new(["role"], [], AllowsText: true),
    };

    public static bool TryValidate(string xml, out string? error)
    {
        var result = Validate(xml);
        error = result.Error;
        return result.IsValid;
    }

    public static TwimlValidationResult Validate(string xml, TwimlKind kind = TwimlKind.Any)
    {
        ArgumentNullException.ThrowIfNull(xml);
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), ReaderSettings);
            document = XDocument.Load(reader);
        }
        catch (XmlException ex)
        {
            return new(false, ParseErrorCode, $"Document parse failure: {ex.Message}");
        }

        var root = document.Root!;
        if (root.Name != XName.Get("Response"))
        {
            return Schema($"The root element must be <Response>, not <{root.Name}>.");
        }

        if (root.Attributes().Any(a => !a.IsNamespaceDeclaration))
        {
            return Schema("<Response> takes no attributes.");
        }

        string[] verbs = kind switch
        {
            TwimlKind.Voice => VoiceVerbs,
            TwimlKind.Messaging => MessagingVerbs,
            _ => [.. VoiceVerbs.Union(MessagingVerbs)],
        };
        return CheckChildren(root, verbs, allowsText: false) ?? TwimlValidationResult.Valid;
    }

    private static TwimlValidationResult? CheckChildren(XElement parent, IReadOnlyCollection<string> allowed, bool allowsText)
    {
        foreach (var node in parent.Nodes())
        {
            if (node is XText text)
            {
                if (!allowsText && !string.IsNullOrWhiteSpace(text.Value))
                {
                    return Schema($"<{parent.Name.LocalName}> may not contain text.");
                }

                continue;
            }

            if (node is not XElement element)
            {
                continue;
            }

            var name = element.Name.LocalName;
            if (element.Name.Namespace != XNamespace.None || !allowed.Contains(name) || !Rules.TryGetValue(name, out var rule))
            {
                return Schema($"<{element.Name}> is not allowed in <{parent.Name.LocalName}>.");
            }

            var problem = CheckAttributes(element, rule) ?? CheckRequiredContent(element)
                ?? CheckChildren(element, rule.Children, rule.AllowsText);
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    private static TwimlValidationResult? CheckAttributes(XElement element, Rule rule)
    {
        foreach (var attribute in element.Attributes())
        {
            if (attribute.IsNamespaceDeclaration)
            {
                continue;
            }

            var name = attribute.Name.ToString();
            if (!rule.Attributes.Contains(name))
            {
                return Schema($"Unknown attribute '{name}' on <{element.Name.LocalName}>.");
            }

            if (IntegerAttributes.Contains(name)
                && !int.TryParse(attribute.Value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                return Schema($"Attribute '{name}' on <{element.Name.LocalName}> must be a whole number.");
            }

            if (MethodAttributes.Contains(name)
                && !attribute.Value.Equals("GET", StringComparison.OrdinalIgnoreCase)
                && !attribute.Value.Equals("POST", StringComparison.OrdinalIgnoreCase))
            {
                return Schema($"Attribute '{name}' on <{element.Name.LocalName}> must be GET or POST.");
            }
        }

        return null;
    }

    private static TwimlValidationResult? CheckRequiredContent(XElement element)
    {
        var hasText = !string.IsNullOrWhiteSpace(element.Value);
        return element.Name.LocalName switch
        {
            "Redirect" when !hasText => Schema("<Redirect> needs a URL."),
            "Play" when !hasText && element.Attribute("digits") is null => Schema("<Play> needs a URL or digits."),
            _ => null,
        };
    }

    private static TwimlValidationResult Schema(string message) => new(false, SchemaErrorCode, message);

    private sealed record Rule(string[] Attributes, string[] Children, bool AllowsText);
}

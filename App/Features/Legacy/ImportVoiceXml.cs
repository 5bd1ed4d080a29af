using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using App.Twilio;

namespace App.Features.Legacy;

/// <summary>
/// VoiceXML → stored TwiML: validated (an invalid document comes across inactive, exactly as it was), its
/// <c>&lt;Play&gt;</c> paths pointed at the migrated audio and its retired voices mapped.
/// </summary>
internal static class ImportVoiceXml
{
    private const string Table = LegacyTables.VoiceXml;

    public static async Task PlanAsync(ImportRun run, Dictionary<string, MigratedFile> files)
    {
        var (report, clock, tenantId) = (run.Report, run.Clock, run.TenantId);
        var counts = report.For(Table);
        var existing = await run.MigratedAsync("SELECT 0 AS id, id AS xml_id, legacy_id, legacy_fingerprint FROM voice_xml");
        var voiceIds = run.Source.Rows(LegacyTables.Voice).Select(r => r.Number("VoiceID")).OfType<long>().ToHashSet();

        foreach (var row in run.Source.Rows(Table))
        {
            counts.Read++;
            if (row.Number("VoiceXMLID") is not { } id)
            {
                run.Skip(Table, null, "no_id", "A VoiceXML row has no VoiceXMLID; it was skipped.");
                continue;
            }

            var voiceId = row.Number("VoiceID");
            if (voiceId is not null && !voiceIds.Contains(voiceId.Value))
            {
                report.Add(Table, id, "orphan_voicexml", $"The document belongs to voice #{voiceId}, which no longer exists; imported without a voice message.");
                voiceId = null;
            }

            var xml = Rewrite(row.Text("XMLContent") ?? "", tenantId, files, id, report);
            var active = row.Bool("IsActive", true);
            var validation = TwimlDocument.Validate(xml, TwimlKind.Voice);
            if (!validation.IsValid)
            {
                report.Add(Table, id, "invalid_twiml", $"{validation.Error} Imported as inactive, exactly as it was.");
                active = false;
            }

            var values = new Dictionary<string, object?>
            {
                ["tenant_id"] = tenantId,
                ["xml_content"] = xml,
                ["xml_filename"] = row.Text("XMLFileName"),
                ["is_active"] = active,
                ["created_at"] = clock.Utc(row, "Created", id),
                ["legacy_voice_id"] = voiceId,
            };
            var previous = existing.GetValueOrDefault(id);
            var change = run.Decide(Table, id, values, previous, legacyVoiceId: voiceId, existingXmlId: previous?.XmlId);
            change?.Values.Remove("legacy_voice_id");
        }
    }

    /// <summary>
    /// <c>&lt;Play&gt;/files/mp3/name&lt;/Play&gt;</c> → the migrated file's stable path, and the retired alice/man/woman voices of
    /// <c>&lt;Say&gt;</c> → their documented replacements. Changed documents are written again with an XML writer; a document
    /// that needs no change (or does not parse) is kept exactly as it was.
    /// </summary>
    private static string Rewrite(string xml, string tenantId, Dictionary<string, MigratedFile> files, long id, ImportReport report)
    {
        if (Parse(xml) is not { } document) return xml;
        var changed = false;
        foreach (var play in document.Descendants("Play").ToList())
        {
            var url = play.Value.Trim();
            if (!url.StartsWith(LegacyImport.LegacyFilesPrefix, StringComparison.OrdinalIgnoreCase)) continue;
            var name = Uri.UnescapeDataString(url[LegacyImport.LegacyFilesPrefix.Length..]).Normalize(NormalizationForm.FormC);
            var file = files.GetValueOrDefault(name);
            if (file is null)
                report.Add(Table, id, "plays_missing_file", $"The document plays {url}, which no VoiceFile row names.");
            else if (!file.HasBytes)
                report.Add(Table, id, "plays_missing_file", $"The document plays {url}, whose audio is missing (VoiceFile #{file.LegacyId}).");
            play.Value = LegacyImport.AudioPath(tenantId, file?.LegacyName ?? name);
            changed = true;
        }

        foreach (var say in document.Descendants("Say"))
        {
            var voice = say.Attribute("voice")?.Value.Trim().ToLowerInvariant();
            if (voice is not ("alice" or "man" or "woman")) continue;
            var language = say.Attribute("language")?.Value;
            if (language is not null && !TwilioVoices.IsKnownLanguage(language.Trim()))
            {
                report.Add(Table, id, "voice_kept", $"<Say voice=\"{voice}\" language=\"{language}\">: no current voice is mapped for {language}; kept as written.");
                continue;
            }

            var mapped = LegacyVoiceMapping.Map(new LegacyVoiceSettings(voice, Language: language));
            if (language is not null && mapped.Language != LegacyVoiceMapping.NormalizeLanguage(language))
            {
                report.Add(Table, id, "voice_kept", $"<Say voice=\"{voice}\" language=\"{language}\">: the legacy voice mapping has no voice for {language}; kept as written.");
                continue;
            }

            say.SetAttributeValue("voice", mapped.Voice);
            changed = true;
        }

        foreach (var target in document.Descendants().SelectMany(e => e.Attributes("action")).Select(a => a.Value)
                     .Where(a => a.Contains(".aspx", StringComparison.OrdinalIgnoreCase)).Distinct())
            report.Add(Table, id, "legacy_page", $"The document sends callers on to {target}, a page of the legacy site that Switchboard does not serve.");

        if (!changed) return xml;
        var output = new StringBuilder();
        var settings = new XmlWriterSettings { OmitXmlDeclaration = document.Declaration is null, Indent = false, Encoding = new UTF8Encoding(false) };
        using (var writer = XmlWriter.Create(new StringWriterUtf8(output), settings)) document.Save(writer);
        return output.ToString();
    }

    private sealed class StringWriterUtf8(StringBuilder builder) : StringWriter(builder, CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => new UTF8Encoding(false);
    }

    /// <summary>The document, whitespace kept; null when it is empty or not XML (no DTDs, no external entities).</summary>
    public static XDocument? Parse(string? xml)
    {
        if (string.IsNullOrWhiteSpace(xml)) return null;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            return XDocument.Load(reader, LoadOptions.PreserveWhitespace);
        }
        catch (XmlException)
        {
            return null;
        }
    }
}

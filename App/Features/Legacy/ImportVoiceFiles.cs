using System.Security.Cryptography;
using System.Text;
using App.Features.Files;
using App.Features.Files.Audio;

namespace App.Features.Legacy;

/// <summary>The migrated library file for a legacy file name (NFC, any case), and whether its bytes came across.</summary>
internal sealed record MigratedFile(long LegacyId, string LegacyName, bool HasBytes);

/// <summary>VoiceFile → the audio library: each row with the file it names, checked by content, not by its name.</summary>
internal static class ImportVoiceFiles
{
    private const string Table = LegacyTables.VoiceFile;

    /// <summary>Plans every VoiceFile row; answers the migrated files by legacy name, for the TwiML that plays them.</summary>
    public static async Task<Dictionary<string, MigratedFile>> PlanAsync(ImportRun run)
    {
        var (source, report, clock, tenantId) = (run.Source, run.Report, run.Clock, run.TenantId);
        var counts = report.For(Table);
        var existing = await run.MigratedAsync("SELECT id, legacy_id, legacy_fingerprint, sha256 FROM voice_files");
        var migrated = new Dictionary<string, MigratedFile>(StringComparer.OrdinalIgnoreCase);
        var named = new HashSet<string>(StringComparer.Ordinal);
        var filesByFold = source.Files.Keys.GroupBy(k => k, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);

        foreach (var row in source.Rows(Table))
        {
            counts.Read++;
            if (row.Number("VoiceFileID") is not { } id)
            {
                run.Skip(Table, null, "no_id", "A VoiceFile row has no VoiceFileID; it was skipped.");
                continue;
            }

            var legacyName = LegacyName(row.Text("FilePath")) ?? row.Text("FileName")?.Trim().Normalize(NormalizationForm.FormC);
            if (string.IsNullOrEmpty(legacyName))
            {
                run.Skip(Table, id, "no_file_name", "The row names no file (FilePath and FileName are empty); it was skipped.");
                continue;
            }

            // IIS served the folder case-insensitively, so a row may spell the name differently from the disk.
            var onDisk = source.Files.ContainsKey(legacyName) ? legacyName : filesByFold.GetValueOrDefault(legacyName);
            if (onDisk is not null) named.Add(onDisk);

            string? format = null, contentType = null, sha256 = null;
            double? duration = null;
            long size = 0;
            var active = row.Bool("IsActive", whenNull: true);
            var extension = Path.GetExtension(legacyName).TrimStart('.').ToLowerInvariant();
            if (onDisk is null)
            {
                report.Add(Table, id, "missing_file", $"{legacyName} is not in the files folder: imported as an inactive entry without audio.");
                active = false;
            }
            else
            {
                var path = source.Files[onDisk];
                var probe = AudioProbe.ProbeFile(path);
                size = new FileInfo(path).Length;
                if (!probe.IsAudio)
                {
                    report.Add(Table, id, "not_audio", $"{legacyName}: {probe.Reason} Imported as an inactive entry without audio.");
                    active = false;
                    onDisk = null;
                    size = 0;
                }
                else
                {
                    format = probe.Format;
                    contentType = probe.ContentType;
                    duration = probe.DurationSeconds;
                    sha256 = Sha256File(path);
                    var claimed = row.Text("FileType")?.Trim().ToLowerInvariant() switch
                    {
                        null => extension,
                        "audio/mpeg" or "audio/mp3" => "mp3",
                        "audio/wav" or "audio/x-wav" or "audio/wave" => "wav",
                        var type => type,
                    };
                    if (format != NormalFormat(extension) || format != NormalFormat(claimed))
                        report.Add(Table, id, "format_mismatch",
                            $"{legacyName} is named and typed as {claimed.ToUpperInvariant()}, but its content is {format!.ToUpperInvariant()} audio; it is stored as {format.ToUpperInvariant()}.");
                    if (row.Number("FileSize") is { } recorded && recorded != size)
                        report.Add(Table, id, "size_mismatch", $"FileSize says {recorded} bytes, the file on disk has {size}; the file on disk was imported.");
                }
            }

            format ??= NormalFormat(extension) ?? AudioProbe.Mp3;
            var values = new Dictionary<string, object?>
            {
                ["tenant_id"] = tenantId,
                ["filename"] = FileNames.ForDisplay(row.Text("FileName") ?? legacyName, format),
                ["file_type"] = format,
                ["content_type"] = contentType ?? AudioProbe.ContentTypeFor(format) ?? "application/octet-stream",
                ["file_size"] = size,
                ["duration_seconds"] = duration,
                ["sha256"] = sha256,
                ["description"] = row.Text("Description"),
                ["tag_list"] = Tags.Store(Tags.Tidy(row.Text("TagList")?.Split(','))),
                ["caller_number"] = run.PhoneNumber(Table, id, "CallerNumber", row.Text("CallerNumber")),
                ["is_active"] = active,
                ["created_at"] = clock.Utc(row, "Created", id),
                ["legacy_name"] = legacyName,
            };
            values["updated_at"] = values["created_at"];
            var previous = existing.GetValueOrDefault(id);
            var change = run.Decide(Table, id, values, previous, sourceFile: onDisk is null ? null : source.Files[onDisk], format: format);
            if (change is not null && (previous is null || previous.Sha256 != sha256 || sha256 is null))
            {
                // New bytes get a new stored name; rows without audio point at a name that never exists.
                change.Values["file_path"] = onDisk is null
                    ? FileStorage.RelativePath(tenantId, "missing-" + Guid.NewGuid().ToString("N"))
                    : null;
            }

            migrated.TryAdd(legacyName, new MigratedFile(id, legacyName, onDisk is not null));
        }

        foreach (var unnamed in source.Files.Keys.Where(k => !named.Contains(k)).Order(StringComparer.Ordinal))
            report.Add("files", null, "unreferenced_file", $"{unnamed} is in the files folder but no VoiceFile row names it; it was not imported.");
        return migrated;
    }

    /// <summary>The file's name below the MP3 folder, from a FilePath such as <c>~/files/mp3/welcome.mp3</c>.</summary>
    private static string? LegacyName(string? filePath)
    {
        var path = filePath?.Trim().Replace('\\', '/');
        if (string.IsNullOrEmpty(path)) return null;
        var at = path.IndexOf(LegacyImport.LegacyFilesPrefix, StringComparison.OrdinalIgnoreCase);
        var name = at >= 0 ? path[(at + LegacyImport.LegacyFilesPrefix.Length)..] : path.TrimStart('~', '/');
        return name.Length == 0 ? null : Uri.UnescapeDataString(name).Normalize(NormalizationForm.FormC);
    }

    private static string? NormalFormat(string? typeOrExtension) => typeOrExtension switch
    {
        "mp3" or "mpeg" or "mpga" => AudioProbe.Mp3,
        "wav" or "wave" => AudioProbe.Wav,
        "aif" or "aiff" or "aifc" => AudioProbe.Aiff,
        _ => null,
    };

    private static string Sha256File(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

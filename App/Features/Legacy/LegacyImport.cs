using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using App.Features.Auth;
using App.Features.Communication;
using App.Features.Files;
using App.Features.Files.Audio;
using App.Features.Tenants;
using App.Features.Users;
using App.Features.VoiceMessages;
using App.Infrastructure.Phone;
using App.Infrastructure.Security;
using App.Twilio;
using Microsoft.Data.Sqlite;

namespace App.Features.Legacy;

/// <summary>
/// <c>legacy import</c>: one legacy installation (Access file, Web.config, MP3 folder) becomes one tenant.
/// </summary>
/// <remarks>
/// <para>Three steps. Read: every legacy table, the config and the folder, before anything is written. Plan: each legacy
/// row becomes the values of its migrated row, compared with what an earlier run left (rows remember their legacy id and
/// a fingerprint of the values they were made from): new, changed, unchanged or skipped, each problem reported with the
/// legacy id. A dry run stops here. Write: the audio bytes are copied first, then every row goes in one transaction;
/// when it does not commit, the copied files are removed again, so a failed run leaves the tenant as it was.</para>
/// <para>A migrated row whose legacy row has not changed is left alone, so edits made in Switchboard since the last run
/// survive running the import again.</para>
/// </remarks>
public sealed partial class LegacyImport(Db db, SecretProtector secrets, FileStorage storage, Passwords passwords,
    TenantDirectory directory, VoiceMessageListCache voiceLists)
{
    public sealed record Options(string TenantId, string? Name, string AccessFile, string WebConfig, string FilesDirectory,
        TimeZoneInfo TimeZone, bool DryRun);

    /// <summary>Who the legacy application's non-administrators become: everything but users and settings.</summary>
    public static readonly IReadOnlyList<string> LegacyUserPermissions =
        [Permissions.SendSms, Permissions.SendVoice, Permissions.ManageVoiceMessages, Permissions.ManageFiles, Permissions.ViewLogs];

    public const string CreatedBy = "legacy-import";
    private static readonly string[] RequiredSettings = ["TwilioAccountSid", "TwilioAuthToken", "TwilioFromNumber", "SiteUrl"];
    private const string LegacyFilesPrefix = "/files/mp3/";
    private const string Users = "Users", Voice = "Voice", VoiceXml = "VoiceXML", VoiceFile = "VoiceFile", CallLog = "CallLog";

    /// <summary>The stable path the imported TwiML plays a migrated file from (relative, so it works on any host name).</summary>
    public static string AudioPath(string tenantId, string legacyName) =>
        $"/legacy/{tenantId}/files/mp3/{string.Join('/', legacyName.Split('/').Select(Uri.EscapeDataString))}";

    /// <summary>One migrated row to write: its values, and the id of the row an earlier run made (null when new).</summary>
    private sealed class Change(string table, long legacyId, Dictionary<string, object?> values, string fingerprint, long? existingId)
    {
        public string Table { get; } = table;
        public long LegacyId { get; } = legacyId;
        public Dictionary<string, object?> Values { get; } = values;
        public string Fingerprint { get; } = fingerprint;
        public long? ExistingId { get; } = existingId;

        /// <summary>Set on voice files whose bytes must be copied, and voice XML / history rows linked to a legacy voice.</summary>
        public string? SourceFile { get; init; }
        public string? Format { get; init; }
        public long? LegacyVoiceId { get; init; }
        public string? ExistingXmlId { get; init; }
        public string? PasswordToHash { get; init; }
        public (string? Message, string To, string From)? IndexedText { get; init; }
    }

    private sealed class Existing
    {
        public long Id { get; init; }
        public long? LegacyId { get; init; }
        public string? LegacyFingerprint { get; init; }
        public string? Name { get; init; }
        public string? PasswordHash { get; init; }
        public string? LegacyPasswordHash { get; init; }
        public string? FilePath { get; init; }
        public string? Sha256 { get; init; }
        public string? XmlId { get; init; }
        public string? MessageContent { get; init; }
        public string? ToNumber { get; init; }
        public string? FromNumber { get; init; }
    }

    private sealed class TenantRow
    {
        public string Name { get; init; } = "";
        public string? TwilioSid { get; init; }
        public string? TwilioTokenEncrypted { get; init; }
        public string? FromNumber { get; init; }
        public string? LegacySiteOrigin { get; init; }
        public string Settings { get; init; } = "{}";
    }

    /// <summary>Everything the write step needs, decided by the plan step.</summary>
    private sealed class Plan
    {
        public bool CreateTenant { get; set; }
        public string TenantName { get; set; } = "";
        public bool UpdateTenantSettings { get; set; }
        public string? TwilioSid { get; set; }
        public string? TwilioToken { get; set; }
        public bool TokenChanged { get; set; }
        public string? FromNumber { get; set; }
        public string? SiteOrigin { get; set; }
        public string? SiteHost { get; set; }
        public TenantSettings Settings { get; set; } = new();
        public List<Change> Changes { get; } = [];
        public Dictionary<long, long> VoiceIds { get; } = [];
    }

    public async Task<ImportReport> RunAsync(Options options, CancellationToken ct = default)
    {
        var tenantId = options.TenantId.Trim();
        if (!TenantProvisioning.IdPattern().IsMatch(tenantId))
            throw new LegacyImportException("The tenant id must be 2–63 lower-case letters, digits or dashes, starting with a letter or digit.");

        var source = LegacySource.Read(options.AccessFile, options.WebConfig, options.FilesDirectory);
        var report = new ImportReport { DryRun = options.DryRun, TimeZone = options.TimeZone.Id, Tenant = new() { Id = tenantId } };
        report.TablesInFile = source.TablesInFile;
        foreach (var table in LegacySource.TableNames.Where(t => !source.Has(t)))
            report.Add(table, null, "missing_table", $"The Access file has no {table} table; nothing of it was imported.");

        if (options.DryRun) await EnsureDatabaseIsCurrentAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        var plan = new Plan();
        var clock = new LocalClock(options.TimeZone, report);
        var tenant = await connection.QuerySingleOrDefaultAsync<TenantRow>(
            "SELECT name, twilio_sid, twilio_token_encrypted, from_number, legacy_site_origin, settings FROM tenants WHERE id = @tenantId",
            new { tenantId });

        await PlanTenantAsync(connection, source, options, tenant, plan, report);
        var files = await PlanVoiceFilesAsync(connection, source, tenantId, plan, report, clock);
        await PlanUsersAsync(connection, source, tenantId, plan, report, clock, hashPasswords: !options.DryRun);
        var languages = SayLanguagesByVoice(source);
        await PlanVoicesAsync(connection, source, tenantId, languages, plan, report, clock);
        await PlanVoiceXmlAsync(connection, source, tenantId, files, plan, report, clock);
        await PlanCallLogAsync(connection, source, tenantId, plan, report, clock);

        if (options.DryRun) return report;

        await WriteAsync(connection, tenantId, plan, report, ct);
        report.Committed = true;
        directory.Invalidate();
        voiceLists.Invalidate(tenantId);
        return report;
    }

    /// <summary>A dry run cannot create or migrate the database (that would be writing): it needs one App has prepared.</summary>
    private async Task EnsureDatabaseIsCurrentAsync(CancellationToken ct)
    {
        var latest = Migrator.Embedded().Max(m => m.Version);
        var current = 0L;
        if (File.Exists(db.FilePath))
        {
            await using var connection = await db.OpenAsync(ct);
            current = await connection.ExecuteScalarAsync<long>(
                "SELECT CASE WHEN EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations') THEN (SELECT COALESCE(MAX(version), 0) FROM schema_migrations) ELSE 0 END");
        }

        if (current < latest)
            throw new LegacyImportException($"The database {db.FilePath} is missing or not up to date, and a dry run changes nothing: " +
                                            "start App (or run the import without --dry-run) once first.");
    }

    // ------------------------------------------------------------------ tenant

    private async Task PlanTenantAsync(SqliteConnection connection, LegacySource source, Options options, TenantRow? tenant, Plan plan,
        ImportReport report)
    {
        plan.CreateTenant = tenant is null;
        plan.Settings = tenant is null ? new TenantSettings { TimeZone = options.TimeZone.Id } : TenantSettings.Parse(tenant.Settings);

        plan.TwilioSid = source.Setting("TwilioAccountSid");
        plan.TwilioToken = source.Setting("TwilioAuthToken");
        foreach (var key in RequiredSettings.Where(k => source.Setting(k) is null))
            report.Add("Web.config", null, "missing_setting", $"Web.config has no {key}; the tenant's value is left as it is.");

        if (source.Setting("TwilioFromNumber") is { } from)
        {
            var normalized = E164.Normalize(from, plan.Settings.DefaultRegion);
            if (normalized.IsValid) plan.FromNumber = normalized.E164;
            else report.Add("Web.config", null, "unparseable_number", $"TwilioFromNumber {normalized.Error} It was not imported.");
        }

        if (source.Setting("SiteUrl") is { } siteUrl)
        {
            if (Uri.TryCreate(siteUrl, UriKind.Absolute, out var site) && (site.Scheme == Uri.UriSchemeHttp || site.Scheme == Uri.UriSchemeHttps))
            {
                var host = site.Authority.ToLowerInvariant();
                var owner = await connection.QuerySingleOrDefaultAsync<string?>(
                    "SELECT id FROM tenants WHERE legacy_site_host = @host AND id <> @tenantId", new { host, tenantId = report.Tenant.Id });
                if (owner is null)
                {
                    plan.SiteOrigin = $"{site.Scheme}://{site.Authority}".ToLowerInvariant();
                    plan.SiteHost = host;
                }
                else
                {
                    report.Add("Web.config", null, "legacy_host_taken", $"The legacy site {host} already belongs to another tenant; it was not set.");
                }
            }
            else
            {
                report.Add("Web.config", null, "unreadable_setting", $"SiteUrl '{siteUrl}' is not an http(s) address; it was not imported.");
            }
        }

        var siteName = plan.SiteHost?.Split(':')[0];
        plan.TenantName = tenant?.Name ?? (string.IsNullOrWhiteSpace(options.Name) ? siteName ?? report.Tenant.Id : options.Name.Trim());
        if (plan.TenantName.Length > 100) plan.TenantName = plan.TenantName[..100];

        var currentToken = tenant?.TwilioTokenEncrypted is { } encrypted ? secrets.Unprotect(encrypted) : null;
        plan.TokenChanged = plan.TwilioToken is not null && plan.TwilioToken != currentToken;
        var changed = plan.TokenChanged
                      || (plan.TwilioSid is not null && plan.TwilioSid != tenant?.TwilioSid)
                      || (plan.FromNumber is not null && plan.FromNumber != tenant?.FromNumber)
                      || (plan.SiteOrigin is not null && plan.SiteOrigin != tenant?.LegacySiteOrigin);
        plan.UpdateTenantSettings = changed;
        var hadAny = tenant is not null && (tenant.TwilioSid ?? tenant.TwilioTokenEncrypted ?? tenant.FromNumber ?? tenant.LegacySiteOrigin) is not null;

        report.Tenant.Name = plan.TenantName;
        report.Tenant.Created = plan.CreateTenant;
        report.Tenant.Settings = !changed ? "unchanged" : hadAny ? "updated" : "imported";
        report.Tenant.LegacySiteOrigin = plan.SiteOrigin ?? tenant?.LegacySiteOrigin;
        report.Tenant.FromNumber = plan.FromNumber ?? tenant?.FromNumber;
    }

    // ------------------------------------------------------------------ VoiceFile → the audio library

    /// <summary>The migrated library file for each legacy file name (NFC, any case), and whether its bytes came across.</summary>
    private sealed record MigratedFile(long LegacyId, string LegacyName, bool HasBytes);

    private static async Task<Dictionary<string, MigratedFile>> PlanVoiceFilesAsync(SqliteConnection connection, LegacySource source, string tenantId,
        Plan plan, ImportReport report, LocalClock clock)
    {
        var counts = report.For(VoiceFile);
        var existing = await ExistingAsync(connection, "SELECT id, legacy_id, legacy_fingerprint, file_path, sha256 FROM voice_files", tenantId);
        var migrated = new Dictionary<string, MigratedFile>(StringComparer.OrdinalIgnoreCase);
        var named = new HashSet<string>(StringComparer.Ordinal);
        var filesByFold = source.Files.Keys.GroupBy(k => k, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);

        foreach (var row in source.Rows(VoiceFile))
        {
            counts.Read++;
            if (row.Number("VoiceFileID") is not { } id)
            {
                Skip(report, VoiceFile, null, "no_id", "A VoiceFile row has no VoiceFileID; it was skipped.");
                continue;
            }

            var legacyName = LegacyName(row.Text("FilePath")) ?? row.Text("FileName")?.Trim().Normalize(NormalizationForm.FormC);
            if (string.IsNullOrEmpty(legacyName))
            {
                Skip(report, VoiceFile, id, "no_file_name", "The row names no file (FilePath and FileName are empty); it was skipped.");
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
                report.Add(VoiceFile, id, "missing_file", $"{legacyName} is not in the files folder: imported as an inactive entry without audio.");
                active = false;
            }
            else
            {
                var path = source.Files[onDisk];
                var probe = AudioProbe.ProbeFile(path);
                size = new FileInfo(path).Length;
                if (!probe.IsAudio)
                {
                    report.Add(VoiceFile, id, "not_audio", $"{legacyName}: {probe.Reason} Imported as an inactive entry without audio.");
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
                        report.Add(VoiceFile, id, "format_mismatch",
                            $"{legacyName} is named and typed as {claimed.ToUpperInvariant()}, but its content is {format!.ToUpperInvariant()} audio; it is stored as {format.ToUpperInvariant()}.");
                    if (row.Number("FileSize") is { } recorded && recorded != size)
                        report.Add(VoiceFile, id, "size_mismatch", $"FileSize says {recorded} bytes, the file on disk has {size}; the file on disk was imported.");
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
                ["caller_number"] = PhoneNumber(report, VoiceFile, id, "CallerNumber", row.Text("CallerNumber"), plan.Settings.DefaultRegion),
                ["is_active"] = active,
                ["created_at"] = clock.Utc(row, "Created", id),
                ["legacy_name"] = legacyName,
            };
            values["updated_at"] = values["created_at"];
            var previous = existing.GetValueOrDefault(id);
            var change = Decide(plan, report, VoiceFile, id, values, previous, sourceFile: onDisk is null ? null : source.Files[onDisk], format: format);
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

    private static string? LegacyName(string? filePath)
    {
        var path = filePath?.Trim().Replace('\\', '/');
        if (string.IsNullOrEmpty(path)) return null;
        var at = path.IndexOf(LegacyFilesPrefix, StringComparison.OrdinalIgnoreCase);
        var name = at >= 0 ? path[(at + LegacyFilesPrefix.Length)..] : path.TrimStart('~', '/');
        return name.Length == 0 ? null : Uri.UnescapeDataString(name).Normalize(NormalizationForm.FormC);
    }

    private static string? NormalFormat(string? typeOrExtension) => typeOrExtension switch
    {
        "mp3" or "mpeg" or "mpga" => AudioProbe.Mp3,
        "wav" or "wave" => AudioProbe.Wav,
        "aif" or "aiff" or "aifc" => AudioProbe.Aiff,
        _ => null,
    };

    // ------------------------------------------------------------------ Users

    private async Task PlanUsersAsync(SqliteConnection connection, LegacySource source, string tenantId, Plan plan, ImportReport report,
        LocalClock clock, bool hashPasswords)
    {
        var counts = report.For(Users);
        var existing = await ExistingAsync(connection,
            "SELECT id, legacy_id, legacy_fingerprint, username AS name, password_hash, legacy_password_hash FROM users", tenantId);
        var others = await connection.QueryAsync<string>("SELECT username FROM users WHERE tenant_id = @tenantId AND legacy_id IS NULL", new { tenantId });
        var taken = new HashSet<string>(others.Select(NoCase), StringComparer.Ordinal);

        // Sign-in finds a user by name with SQLite's NOCASE (ASCII letters only): names equal that way cannot both sign in.
        var rows = source.Rows(Users);
        counts.Read = rows.Count;
        var kept = new HashSet<LegacyRow>();
        foreach (var group in rows.Where(r => r.Number("UserID") is not null && r.Text("UserName") is not null)
                     .GroupBy(r => NoCase(r.Text("UserName")!.Trim())))
        {
            var ordered = group.OrderByDescending(r => r.Bool("IsActive", true)).ThenByDescending(r => r.LocalTime("LastLogin") ?? DateTime.MinValue)
                .ThenBy(r => r.Number("UserID")).ToList();
            kept.Add(ordered[0]);
            foreach (var loser in ordered.Skip(1))
                Skip(report, Users, loser.Number("UserID"), "duplicate_username",
                    $"'{loser.Text("UserName")}' differs from user #{ordered[0].Number("UserID")} '{ordered[0].Text("UserName")}' only in case, and sign-in " +
                    "cannot tell them apart; only the active / most recently used one was imported.");
        }

        foreach (var row in rows)
        {
            var id = row.Number("UserID");
            if (id is null || row.Text("UserName") is null)
            {
                Skip(report, Users, id, "no_username", "The row has no UserID or UserName; it was skipped.");
                continue;
            }

            if (!kept.Contains(row)) continue;
            var username = row.Text("UserName")!.Trim();
            if (taken.Contains(NoCase(username)))
            {
                Skip(report, Users, id, "username_taken", $"The tenant already has a user '{username}' that was not imported; this one was skipped.");
                continue;
            }

            var isAdmin = row.Bool("IsAdmin", false);
            var values = new Dictionary<string, object?>
            {
                ["tenant_id"] = tenantId,
                ["username"] = username,
                ["display_name"] = row.Text("DisplayName") ?? username,
                ["email"] = row.Text("Email")?.Trim(),
                ["permissions"] = UserRules.PermissionsJson(LegacyUserPermissions, isAdmin),
                ["is_admin"] = isAdmin,
                ["is_active"] = row.Bool("IsActive", true),
                ["last_login_at"] = clock.Utc(row, "LastLogin", id),
                ["created_at"] = clock.Utc(row, "Created", id),
            };
            values["updated_at"] = values["created_at"];

            var password = row.Text("Password");
            var previous = existing.GetValueOrDefault(id.Value);
            // The fingerprint never sees the password: a fast hash of it would be a crackable copy.
            var fingerprint = Fingerprint(values);
            var passwordChanged = password is not null && previous is not null && previous.PasswordHash == previous.LegacyPasswordHash
                                  && !passwords.Verify(password, previous.PasswordHash);
            if (previous is not null && previous.LegacyFingerprint == fingerprint && !passwordChanged)
            {
                counts.Unchanged++;
                continue;
            }

            if (password is null)
                report.Add(Users, id, "no_password", $"'{username}' has no password: the account cannot sign in until an administrator sets one.");
            var policyProblem = password is null ? null : Passwords.PolicyProblem(password, username);
            var mustChange = password is null || policyProblem is not null;
            if (policyProblem is not null && (previous is null || passwordChanged))
                report.Add(Users, id, "password_must_change", $"The password of '{username}' breaks today's policy ({policyProblem.TrimEnd('.')}): " +
                                                              "it works for one more sign-in, then a new one must be chosen.");
            if (previous is null || passwordChanged)
            {
                values["must_change_password"] = mustChange;
                values["session_stamp"] = UserRules.NewSessionStamp();
            }

            plan.Changes.Add(new Change(Users, id.Value, values, fingerprint, previous?.Id)
            {
                PasswordToHash = previous is null || passwordChanged ? (hashPasswords ? password ?? "" : null) : null,
            });
            if (previous is null) counts.Imported++;
            else counts.Updated++;
        }
    }

    /// <summary>SQLite's NOCASE: only A–Z fold, so 'Zoë' and 'ZOË' stay apart just as they do at sign-in.</summary>
    private static string NoCase(string value) => string.Create(value.Length, value, (span, s) =>
    {
        for (var i = 0; i < s.Length; i++) span[i] = s[i] is >= 'A' and <= 'Z' ? (char)(s[i] + 32) : s[i];
    });

    // ------------------------------------------------------------------ Voice → voice messages

    private static async Task PlanVoicesAsync(SqliteConnection connection, LegacySource source, string tenantId, Dictionary<long, string> languages,
        Plan plan, ImportReport report, LocalClock clock)
    {
        var counts = report.For(Voice);
        var existing = await ExistingAsync(connection, "SELECT id, legacy_id, legacy_fingerprint, name FROM voice_messages", tenantId);
        foreach (var row in existing.Values) plan.VoiceIds[row.LegacyId!.Value] = row.Id;
        var others = await connection.QueryAsync<string>("SELECT name FROM voice_messages WHERE tenant_id = @tenantId AND legacy_id IS NULL", new { tenantId });
        var taken = new HashSet<string>(others.Select(NoCase), StringComparer.Ordinal);
        var validator = new CreateVoiceMessage.Validator();

        foreach (var row in source.Rows(Voice))
        {
            counts.Read++;
            if (row.Number("VoiceID") is not { } id)
            {
                Skip(report, Voice, null, "no_id", "A Voice row has no VoiceID; it was skipped.");
                continue;
            }

            var name = (row.Text("Name")?.Trim() is { Length: > 0 } given ? given : $"Voice {id}");
            if (name.Length > VoiceMessageRules.MaxNameLength) name = name[..VoiceMessageRules.MaxNameLength].TrimEnd();
            if (!taken.Add(NoCase(name)))
            {
                var renamed = $"{name} (legacy {id})";
                report.Add(Voice, id, "renamed", $"The name '{name}' is already taken in the tenant; imported as '{renamed}'.");
                name = renamed;
                taken.Add(NoCase(name));
            }

            var text = ProductVariables(row.Text("VoiceText") ?? "");
            var active = row.Bool("IsActive", true);
            if (text.Length == 0)
            {
                report.Add(Voice, id, "empty_text", "The voice has no text: imported as inactive.");
                active = false;
            }

            var voiceType = row.Text("VoiceType")?.Trim().ToLowerInvariant();
            if (voiceType is not null && !VoiceMessageRules.Types.Contains(voiceType))
            {
                report.Add(Voice, id, "unknown_voice_type", $"VoiceType '{voiceType}' is not one of {string.Join(", ", VoiceMessageRules.Types)}; imported as 'message'.");
                voiceType = null;
            }

            // The legacy form saved an empty age as 0; only 1–120 means an age.
            var age = row.Number("VoiceAge") is { } years and >= 1 and <= 120 ? (int)years : (int?)null;
            var request = new CreateVoiceMessage.Request(name, text, Language: languages.GetValueOrDefault(id), VoiceRate: row.Text("VoiceRate"),
                VoiceGender: row.Text("VoiceGender"), VoiceAge: age, TropoVoice: row.Text("TropoVoice"), VoiceType: voiceType, IsActive: active);
            request = VoiceRequestWithoutRefusedSettings(request, id, report);
            foreach (var failure in validator.Validate(request).Errors)
                report.Add(Voice, id, "voice_text_problem", failure.ErrorMessage);

            var created = clock.Utc(row, "Created", id);
            var values = ToDictionary(CreateVoiceMessage.Parameters(request, tenantId));
            values.Remove("Id");
            values["IsActive"] = active;
            values["created_at"] = created;
            values["updated_at"] = clock.Utc(row, "Modified", id) ?? created;
            Decide(plan, report, Voice, id, values, existing.GetValueOrDefault(id));
        }
    }

    /// <summary>
    /// The legacy mapping refuses what it cannot map (an unknown gender, a language it has no voice for); the message is
    /// still imported, with the refused setting dropped and the choice reported.
    /// </summary>
    private static CreateVoiceMessage.Request VoiceRequestWithoutRefusedSettings(CreateVoiceMessage.Request request, long id, ImportReport report)
    {
        foreach (var (field, message) in VoiceMessageRules.Resolve(request).Errors)
        {
            report.Add(Voice, id, "voice_setting_dropped", message);
            request = field switch
            {
                "voice_gender" => request with { VoiceGender = null },
                "tropo_voice" => request with { TropoVoice = null },
                "voice_rate" => request with { VoiceRate = null },
                "voice_age" => request with { VoiceAge = null },
                "language" => request with { Language = null },
                _ => request,
            };
        }

        return request;
    }

    /// <summary><c>[FirstName]</c>, <c>{{FirstName}}</c> and <c>{{ FirstName }}</c> become the product's <c>{{first_name}}</c>.</summary>
    public static string ProductVariables(string text) =>
        LegacyPlaceholder().Replace(text, match => "{{" + SnakeCase(match.Groups["bracket"].Success ? match.Groups["bracket"].Value : match.Groups["brace"].Value) + "}}");

    private static string SnakeCase(string name) => CamelHump().Replace(name, "$1_$2").ToLowerInvariant();

    [GeneratedRegex(@"\[(?<bracket>[A-Za-z][A-Za-z0-9_]*)\]|\{\{[ \t]*(?<brace>[A-Za-z_][A-Za-z0-9_]*)[ \t]*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex LegacyPlaceholder();

    [GeneratedRegex("([a-z0-9])([A-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex CamelHump();

    /// <summary>The legacy Voice table has no language; the language its TwiML spoke it in (<c>&lt;Say language&gt;</c>) is the best guide.</summary>
    private static Dictionary<long, string> SayLanguagesByVoice(LegacySource source)
    {
        var languages = new Dictionary<long, string>();
        foreach (var row in source.Rows(VoiceXml))
        {
            if (row.Number("VoiceID") is not { } voiceId || languages.ContainsKey(voiceId) || ParseXml(row.Text("XMLContent")) is not { } document) continue;
            if (document.Descendants("Say").Select(s => s.Attribute("language")?.Value).FirstOrDefault(l => !string.IsNullOrWhiteSpace(l)) is { } language)
                languages[voiceId] = language.Trim();
        }

        return languages;
    }

    // ------------------------------------------------------------------ VoiceXML → stored TwiML

    private static async Task PlanVoiceXmlAsync(SqliteConnection connection, LegacySource source, string tenantId, Dictionary<string, MigratedFile> files,
        Plan plan, ImportReport report, LocalClock clock)
    {
        var counts = report.For(VoiceXml);
        var existing = await ExistingAsync(connection, "SELECT 0 AS id, id AS xml_id, legacy_id, legacy_fingerprint FROM voice_xml", tenantId);
        var voiceIds = source.Rows(Voice).Select(r => r.Number("VoiceID")).OfType<long>().ToHashSet();

        foreach (var row in source.Rows(VoiceXml))
        {
            counts.Read++;
            if (row.Number("VoiceXMLID") is not { } id)
            {
                Skip(report, VoiceXml, null, "no_id", "A VoiceXML row has no VoiceXMLID; it was skipped.");
                continue;
            }

            var voiceId = row.Number("VoiceID");
            if (voiceId is not null && !voiceIds.Contains(voiceId.Value))
            {
                report.Add(VoiceXml, id, "orphan_voicexml", $"The document belongs to voice #{voiceId}, which no longer exists; imported without a voice message.");
                voiceId = null;
            }

            var xml = RewriteTwiml(row.Text("XMLContent") ?? "", tenantId, files, id, report);
            var active = row.Bool("IsActive", true);
            var validation = TwimlDocument.Validate(xml, TwimlKind.Voice);
            if (!validation.IsValid)
            {
                report.Add(VoiceXml, id, "invalid_twiml", $"{validation.Error} Imported as inactive, exactly as it was.");
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
            var change = Decide(plan, report, VoiceXml, id, values, previous, legacyVoiceId: voiceId, existingXmlId: previous?.XmlId);
            change?.Values.Remove("legacy_voice_id");
        }
    }

    /// <summary>
    /// <c>&lt;Play&gt;/files/mp3/name&lt;/Play&gt;</c> → the migrated file's stable path, and the retired alice/man/woman voices of
    /// <c>&lt;Say&gt;</c> → their documented replacements. Changed documents are written again with an XML writer; a document
    /// that needs no change (or does not parse) is kept exactly as it was.
    /// </summary>
    private static string RewriteTwiml(string xml, string tenantId, Dictionary<string, MigratedFile> files, long id, ImportReport report)
    {
        if (ParseXml(xml) is not { } document) return xml;
        var changed = false;
        foreach (var play in document.Descendants("Play").ToList())
        {
            var url = play.Value.Trim();
            if (!url.StartsWith(LegacyFilesPrefix, StringComparison.OrdinalIgnoreCase)) continue;
            var name = Uri.UnescapeDataString(url[LegacyFilesPrefix.Length..]).Normalize(NormalizationForm.FormC);
            var file = files.GetValueOrDefault(name);
            if (file is null)
                report.Add(VoiceXml, id, "plays_missing_file", $"The document plays {url}, which no VoiceFile row names.");
            else if (!file.HasBytes)
                report.Add(VoiceXml, id, "plays_missing_file", $"The document plays {url}, whose audio is missing (VoiceFile #{file.LegacyId}).");
            play.Value = AudioPath(tenantId, file?.LegacyName ?? name);
            changed = true;
        }

        foreach (var say in document.Descendants("Say"))
        {
            var voice = say.Attribute("voice")?.Value.Trim().ToLowerInvariant();
            if (voice is not ("alice" or "man" or "woman")) continue;
            var language = say.Attribute("language")?.Value;
            if (language is not null && !TwilioVoices.IsKnownLanguage(language.Trim()))
            {
                report.Add(VoiceXml, id, "voice_kept", $"<Say voice=\"{voice}\" language=\"{language}\">: no current voice is mapped for {language}; kept as written.");
                continue;
            }

            var mapped = LegacyVoiceMapping.Map(new LegacyVoiceSettings(voice, Language: language));
            if (language is not null && mapped.Language != LegacyVoiceMapping.NormalizeLanguage(language))
            {
                report.Add(VoiceXml, id, "voice_kept", $"<Say voice=\"{voice}\" language=\"{language}\">: the legacy voice mapping has no voice for {language}; kept as written.");
                continue;
            }

            say.SetAttributeValue("voice", mapped.Voice);
            changed = true;
        }

        foreach (var target in document.Descendants().SelectMany(e => e.Attributes("action")).Select(a => a.Value)
                     .Where(a => a.Contains(".aspx", StringComparison.OrdinalIgnoreCase)).Distinct())
            report.Add(VoiceXml, id, "legacy_page", $"The document sends callers on to {target}, a page of the legacy site that Switchboard does not serve.");

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

    private static XDocument? ParseXml(string? xml)
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

    // ------------------------------------------------------------------ CallLog → communication history

    private static async Task PlanCallLogAsync(SqliteConnection connection, LegacySource source, string tenantId, Plan plan, ImportReport report, LocalClock clock)
    {
        var counts = report.For(CallLog);
        var existing = await ExistingAsync(connection,
            "SELECT id, legacy_id, legacy_fingerprint, message_content, to_number, from_number FROM communication_log", tenantId);
        var xmlVoices = source.Rows(VoiceXml).Where(r => r.Text("XMLFileName") is not null && r.Number("VoiceID") is not null)
            .GroupBy(r => r.Text("XMLFileName")!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().Number("VoiceID")!.Value, StringComparer.OrdinalIgnoreCase);
        var sids = new HashSet<string>(StringComparer.Ordinal);
        var region = plan.Settings.DefaultRegion;

        foreach (var row in source.Rows(CallLog))
        {
            counts.Read++;
            if (row.Number("LogID") is not { } id)
            {
                Skip(report, CallLog, null, "no_id", "A CallLog row has no LogID; it was skipped.");
                continue;
            }

            var type = row.Text("NetworkType")?.Trim().ToLowerInvariant();
            if (type is not ("call" or "sms"))
            {
                Skip(report, CallLog, id, "unknown_network_type", $"NetworkType '{row.Text("NetworkType")}' is neither call nor sms; the row was skipped.");
                continue;
            }

            var sid = row.Text("TwilioSID")?.Trim();
            if (sid is not null && !sids.Add(sid))
            {
                Skip(report, CallLog, id, "duplicate_sid", $"Twilio SID {sid} appears on an earlier row too; this row was skipped.");
                continue;
            }

            if (sid is not null && await connection.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM communication_log WHERE tenant_id = @tenantId AND twilio_sid = @sid AND legacy_id IS NULL", new { tenantId, sid }) > 0)
            {
                Skip(report, CallLog, id, "duplicate_sid", $"Twilio SID {sid} is already in the tenant's history; the row was skipped.");
                continue;
            }

            var message = row.Text("Message");
            var status = row.Text("Status")?.Trim().ToLowerInvariant();
            var rank = status is null ? 0 : Statuses.Rank(type, status);
            if (status is not null && rank < 0)
            {
                report.Add(CallLog, id, "unknown_status", $"Status '{status}' is not a Twilio {type} status; kept as it is.");
                rank = 0;
            }

            var cost = row.Amount("Cost");
            if (row.Unreadable("Cost", cost)) report.Add(CallLog, id, "unreadable_value", $"Cost '{row.Text("Cost")}' is not an amount; imported without a cost.");
            var duration = row.Number("Duration");
            if (row.Unreadable("Duration", duration)) report.Add(CallLog, id, "unreadable_value", $"Duration '{row.Text("Duration")}' is not a number of seconds; imported without one.");
            var error = row.Text("ErrorMessage");
            var created = clock.Utc(row, "Created", id);
            if (created is null)
            {
                Skip(report, CallLog, id, "no_date", "The row has no readable Created date; it was skipped.");
                continue;
            }

            var segments = type == "sms" && message is not null ? SmsSegments.Count(message) : (SmsSegmentInfo?)null;
            var xmlFile = row.Text("XMLFileName");
            var values = new Dictionary<string, object?>
            {
                ["tenant_id"] = tenantId,
                ["network_type"] = type,
                ["direction"] = "outbound",
                ["to_number"] = PhoneNumber(report, CallLog, id, "ToNumber", row.Text("ToNumber"), region) ?? "",
                ["from_number"] = PhoneNumber(report, CallLog, id, "FromNumber", row.Text("FromNumber"), region) ?? "",
                ["message_content"] = message,
                ["twilio_sid"] = sid,
                ["status"] = status,
                ["status_rank"] = rank,
                ["error_code"] = error is not null && ErrorCodePrefix().Match(error) is { Success: true } code
                    ? int.Parse(code.Groups[1].Value, CultureInfo.InvariantCulture) : null,
                ["error_message"] = error,
                ["xml_filename"] = xmlFile,
                ["cost_amount"] = cost,
                ["cost_currency"] = cost is null ? null : "USD",
                ["duration_seconds"] = duration,
                ["segments"] = segments?.Segments,
                ["encoding"] = segments?.Encoding,
                ["created_by"] = CreatedBy,
                ["created_at"] = created,
                ["updated_at"] = created,
            };
            var voiceId = xmlFile is not null && xmlVoices.TryGetValue(xmlFile, out var linked) ? linked : (long?)null;
            values["legacy_voice_id"] = voiceId;
            var previous = existing.GetValueOrDefault(id);
            var change = Decide(plan, report, CallLog, id, values, previous, legacyVoiceId: voiceId,
                indexedText: previous is null ? null : (previous.MessageContent, previous.ToNumber ?? "", previous.FromNumber ?? ""));
            change?.Values.Remove("legacy_voice_id");
        }
    }

    [GeneratedRegex(@"^\s*(\d{5}):")]
    private static partial Regex ErrorCodePrefix();

    /// <summary>E.164 where the number parses (reported as reformatted when it was typed otherwise); as typed, and reported, when not.</summary>
    private static string? PhoneNumber(ImportReport report, string table, long id, string column, string? typed, string region)
    {
        if (string.IsNullOrWhiteSpace(typed)) return null;
        var normalized = E164.Normalize(typed, region);
        if (!normalized.IsValid)
        {
            report.Add(table, id, "unparseable_number", $"{column} {normalized.Error} Kept as typed.");
            return typed;
        }

        if (normalized.E164 != typed)
            report.Add(table, id, "number_reformatted", $"{column} '{typed}' was stored as {normalized.E164}.");
        return normalized.E164;
    }

    // ------------------------------------------------------------------ shared plan steps

    private static async Task<Dictionary<long, Existing>> ExistingAsync(SqliteConnection connection, string select, string tenantId) =>
        (await connection.QueryAsync<Existing>(select + " WHERE tenant_id = @tenantId AND legacy_id IS NOT NULL", new { tenantId }))
        .ToDictionary(e => e.LegacyId!.Value);

    /// <summary>New, changed or unchanged: counts it and queues the write. Null when nothing is to be written.</summary>
    private static Change? Decide(Plan plan, ImportReport report, string table, long legacyId, Dictionary<string, object?> values, Existing? previous,
        string? sourceFile = null, string? format = null, long? legacyVoiceId = null, string? existingXmlId = null,
        (string?, string, string)? indexedText = null)
    {
        var counts = report.For(table);
        var fingerprint = Fingerprint(values);
        if (previous?.LegacyFingerprint == fingerprint)
        {
            counts.Unchanged++;
            return null;
        }

        var change = new Change(table, legacyId, values, fingerprint, previous?.Id)
        {
            SourceFile = sourceFile,
            Format = format,
            LegacyVoiceId = legacyVoiceId,
            ExistingXmlId = existingXmlId,
            IndexedText = indexedText,
        };
        plan.Changes.Add(change);
        if (previous is null) counts.Imported++;
        else counts.Updated++;
        return change;
    }

    private static void Skip(ImportReport report, string table, long? legacyId, string kind, string message)
    {
        report.For(table).Skipped++;
        report.Add(table, legacyId, kind, message);
    }

    private static string Fingerprint(Dictionary<string, object?> values) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(values)));

    private static Dictionary<string, object?> ToDictionary(object parameters) =>
        parameters.GetType().GetProperties().ToDictionary(p => p.Name, p => p.GetValue(parameters));

    private static string Sha256File(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    // ------------------------------------------------------------------ write

    private async Task WriteAsync(SqliteConnection connection, string tenantId, Plan plan, ImportReport report, CancellationToken ct)
    {
        foreach (var change in plan.Changes.Where(c => c.PasswordToHash is not null))
        {
            var hash = change.PasswordToHash!.Length == 0 ? "!no-password" : LegacyPasswords.Adopt(change.PasswordToHash, passwords.WorkFactor);
            change.Values["password_hash"] = hash;
            change.Values["legacy_password_hash"] = hash;
        }

        var written = new List<string>();
        var replaced = new List<string>();
        try
        {
            // The bytes first, under new names no row points at yet: if the rows do not commit, they are removed below.
            foreach (var change in plan.Changes.Where(c => c.Table == VoiceFile && c.Values.ContainsKey("file_path") && c.SourceFile is not null))
            {
                var storedName = FileStorage.NewStoredName(change.Format!);
                var target = Path.Combine(storage.TenantDirectory(tenantId), storedName);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                written.Add(target);
                await using (var input = File.OpenRead(change.SourceFile!))
                await using (var output = new FileStream(target, FileStorage.NewPrivateFile()))
                {
                    await input.CopyToAsync(output, ct);
                    output.Flush(flushToDisk: true);
                }

                change.Values["file_path"] = FileStorage.RelativePath(tenantId, storedName);
            }

            using (var transaction = connection.BeginTransaction(deferred: false))
            {
                await WriteTenantAsync(connection, transaction, tenantId, plan, report);
                foreach (var change in plan.Changes.Where(c => c.Table == VoiceFile))
                {
                    if (change.ExistingId is { } fileId && change.Values.ContainsKey("file_path"))
                        replaced.AddRange(await connection.QueryAsync<string>("SELECT file_path FROM voice_files WHERE id = @fileId", new { fileId }, transaction));
                    await UpsertAsync(connection, transaction, "voice_files", change);
                }

                foreach (var change in plan.Changes.Where(c => c.Table == Users)) await UpsertAsync(connection, transaction, "users", change);
                foreach (var change in plan.Changes.Where(c => c.Table == Voice))
                    plan.VoiceIds[change.LegacyId] = await UpsertAsync(connection, transaction, "voice_messages", Renamed(change.Values), change);
                foreach (var change in plan.Changes.Where(c => c.Table == VoiceXml))
                {
                    change.Values["voice_message_id"] = change.LegacyVoiceId is { } v && plan.VoiceIds.TryGetValue(v, out var messageId) ? messageId : null;
                    if (change.ExistingXmlId is null) change.Values["id"] = SignedTokens.NewId();
                    await UpsertAsync(connection, transaction, "voice_xml", change, textId: change.ExistingXmlId);
                }

                var indexedThrough = await connection.ExecuteScalarAsync<long>(
                    "SELECT COALESCE((SELECT indexed_through FROM communication_log_search_state WHERE id = 1), 0)", transaction: transaction);
                foreach (var change in plan.Changes.Where(c => c.Table == CallLog))
                {
                    change.Values["voice_message_id"] = change.LegacyVoiceId is { } v && plan.VoiceIds.TryGetValue(v, out var voiceMessageId) ? voiceMessageId : null;
                    var logId = await UpsertAsync(connection, transaction, "communication_log", change);
                    if (change.ExistingId is not null && logId <= indexedThrough && change.IndexedText is { } old)
                        await ReindexAsync(connection, transaction, logId, old, change.Values);
                }

                transaction.Commit();
            }
        }
        catch
        {
            foreach (var path in written.Where(File.Exists)) File.Delete(path);
            throw;
        }

        foreach (var path in replaced) storage.Delete(path);
    }

    private async Task WriteTenantAsync(SqliteConnection connection, SqliteTransaction transaction, string tenantId, Plan plan, ImportReport report)
    {
        if (plan.CreateTenant)
        {
            var (key, hash, prefix) = ApiKeys.Generate();
            await connection.ExecuteAsync("""
                INSERT INTO tenants (id, name, api_key_hash, api_key_prefix, settings) VALUES (@tenantId, @name, @hash, @prefix, @settings)
                """, new { tenantId, name = plan.TenantName, hash, prefix, settings = plan.Settings.ToJson() }, transaction);
            report.Tenant.ApiKey = key;
        }

        if (!plan.UpdateTenantSettings) return;
        await connection.ExecuteAsync("""
            UPDATE tenants SET
                twilio_sid = COALESCE(@sid, twilio_sid),
                twilio_token_encrypted = CASE WHEN @tokenChanged THEN @token ELSE twilio_token_encrypted END,
                from_number = COALESCE(@from, from_number),
                legacy_site_origin = COALESCE(@origin, legacy_site_origin),
                legacy_site_host = COALESCE(@host, legacy_site_host),
                updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
            WHERE id = @tenantId
            """, new
        {
            tenantId,
            sid = plan.TwilioSid,
            tokenChanged = plan.TokenChanged,
            token = plan.TokenChanged ? secrets.Protect(plan.TwilioToken) : null,
            from = plan.FromNumber,
            origin = plan.SiteOrigin,
            host = plan.SiteHost,
        }, transaction);
    }

    /// <summary>CreateVoiceMessage's parameter names → voice_messages' columns.</summary>
    private static Dictionary<string, object?> Renamed(Dictionary<string, object?> values) =>
        values.ToDictionary(p => p.Key.Contains('_', StringComparison.Ordinal) ? p.Key : SnakeCase(p.Key), p => p.Value);

    private static Task<long> UpsertAsync(SqliteConnection connection, SqliteTransaction transaction, string table, Change change, string? textId = null) =>
        UpsertAsync(connection, transaction, table, change.Values, change, textId);

    /// <summary>Inserts the migrated row or updates the one an earlier run made; column names come from this file only.</summary>
    private static async Task<long> UpsertAsync(SqliteConnection connection, SqliteTransaction transaction, string table,
        Dictionary<string, object?> columns, Change change, string? textId = null)
    {
        var values = new Dictionary<string, object?>(columns) { ["legacy_id"] = change.LegacyId, ["legacy_fingerprint"] = change.Fingerprint };
        var parameters = new DynamicParameters();
        foreach (var (name, value) in values) parameters.Add(name, value);

        if (change.ExistingId is null && textId is null)
        {
            var names = string.Join(", ", values.Keys);
            var placeholders = string.Join(", ", values.Keys.Select(k => "@" + k));
            var returning = table == "voice_xml" ? "0" : "id";
            return await connection.ExecuteScalarAsync<long>($"INSERT INTO {table} ({names}) VALUES ({placeholders}) RETURNING {returning}", parameters, transaction);
        }

        // An update keeps what the import does not own: ids, and (for users) the session unless the password changed.
        var assignments = string.Join(", ", values.Keys.Where(k => k is not ("tenant_id" or "id")).Select(k => k == "last_login_at"
            ? "last_login_at = NULLIF(MAX(COALESCE(last_login_at, ''), COALESCE(@last_login_at, '')), '')"
            : $"{k} = @{k}"));
        parameters.Add("existing_id", (object?)textId ?? change.ExistingId);
        await connection.ExecuteAsync($"UPDATE {table} SET {assignments} WHERE id = @existing_id", parameters, transaction);
        return change.ExistingId ?? 0;
    }

    /// <summary>History rows the search index already holds: swap their old text for the new (the index is not kept by triggers).</summary>
    private static async Task ReindexAsync(SqliteConnection connection, SqliteTransaction transaction, long logId,
        (string? Message, string To, string From) old, Dictionary<string, object?> values)
    {
        await connection.ExecuteAsync("""
            INSERT INTO communication_log_search (communication_log_search, rowid, message_content, to_number, from_number)
            VALUES ('delete', @logId, @message, @to, @from)
            """, new { logId, message = old.Message, to = old.To, from = old.From }, transaction);
        await connection.ExecuteAsync("""
            INSERT INTO communication_log_search (rowid, message_content, to_number, from_number) VALUES (@logId, @message, @to, @from)
            """, new { logId, message = values["message_content"], to = values["to_number"], from = values["from_number"] }, transaction);
    }

    /// <summary>
    /// Legacy Date/Time values are the server's local wall-clock time with no zone: read them in the given zone. A time
    /// that happened twice (the hour clocks go back) is read as the earlier moment and counted; one that never happened
    /// (the hour clocks skip) is read with the offset in force just before it.
    /// </summary>
    private sealed class LocalClock(TimeZoneInfo zone, ImportReport report)
    {
        public string? Utc(LegacyRow row, string column, long? id)
        {
            var local = row.LocalTime(column);
            if (local is null)
            {
                if (row.Text(column) is { } unreadable)
                    report.Add(row.Table, id, "unreadable_value", $"{column} '{unreadable}' is not a date; imported without it.");
                return null;
            }

            var time = local.Value;
            TimeSpan offset;
            if (zone.IsAmbiguousTime(time))
            {
                offset = zone.GetAmbiguousTimeOffsets(time).Max();
                report.AmbiguousLocalTimes++;
                report.Add(row.Table, id, "ambiguous_local_time",
                    $"{column} {time:yyyy-MM-dd HH:mm:ss} happened twice in {zone.Id}; read as the earlier moment (UTC{offset:\\+hh\\:mm}).");
            }
            else if (zone.IsInvalidTime(time))
            {
                offset = zone.GetUtcOffset(time.AddHours(-12));
                report.Add(row.Table, id, "nonexistent_local_time",
                    $"{column} {time:yyyy-MM-dd HH:mm:ss} does not exist in {zone.Id} (clocks skipped it); read with the offset before the change.");
            }
            else
            {
                offset = zone.GetUtcOffset(time);
            }

            return Db.Timestamp(new DateTimeOffset(time, offset));
        }
    }
}

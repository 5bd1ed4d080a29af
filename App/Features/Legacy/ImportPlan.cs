using System.Security.Cryptography;
using System.Text.Json;
using App.Infrastructure.Phone;
using Microsoft.Data.Sqlite;

namespace App.Features.Legacy;

/// <summary>Everything the write step needs, decided by the plan step.</summary>
internal sealed class ImportPlan
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
    public List<RowChange> Changes { get; } = [];

    /// <summary>Legacy VoiceID → voice_messages.id, of earlier runs and (once written) of this one.</summary>
    public Dictionary<long, long> VoiceIds { get; } = [];
}

/// <summary>One migrated row to write: its values, and the id of the row an earlier run made (null when new).</summary>
internal sealed class RowChange(string table, long legacyId, Dictionary<string, object?> values, string fingerprint, long? existingId)
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
}

/// <summary>A row an earlier run migrated: its legacy id and fingerprint, and what the next run compares or replaces.</summary>
internal sealed class MigratedRow
{
    public long Id { get; init; }
    public long LegacyId { get; init; }
    public string? LegacyFingerprint { get; init; }
    public string? PasswordHash { get; init; }
    public string? LegacyPasswordHash { get; init; }
    public string? Sha256 { get; init; }
    public string? XmlId { get; init; }
}

/// <summary>One run's plan step: what was read, the tenant, the plan being built and the report; and what every table's step does alike.</summary>
internal sealed class ImportRun(SqliteConnection connection, LegacySource source, string tenantId, ImportPlan plan, ImportReport report, LocalClock clock)
{
    public SqliteConnection Connection { get; } = connection;
    public LegacySource Source { get; } = source;
    public string TenantId { get; } = tenantId;
    public ImportPlan Plan { get; } = plan;
    public ImportReport Report { get; } = report;
    public LocalClock Clock { get; } = clock;

    /// <summary>The tenant's rows an earlier run migrated, by legacy id; <paramref name="select"/> is a SELECT without its WHERE.</summary>
    public async Task<Dictionary<long, MigratedRow>> MigratedAsync(string select) =>
        (await Connection.QueryAsync<MigratedRow>(select + " WHERE tenant_id = @tenantId AND legacy_id IS NOT NULL", new { tenantId = TenantId }))
        .ToDictionary(e => e.LegacyId);

    /// <summary>New, changed or unchanged: counts it and queues the write. Null when nothing is to be written.</summary>
    public RowChange? Decide(string table, long legacyId, Dictionary<string, object?> values, MigratedRow? previous,
        string? sourceFile = null, string? format = null, long? legacyVoiceId = null, string? existingXmlId = null)
    {
        var counts = Report.For(table);
        var fingerprint = Fingerprint(values);
        if (previous?.LegacyFingerprint == fingerprint)
        {
            counts.Unchanged++;
            return null;
        }

        var change = new RowChange(table, legacyId, values, fingerprint, previous?.Id)
        {
            SourceFile = sourceFile,
            Format = format,
            LegacyVoiceId = legacyVoiceId,
            ExistingXmlId = existingXmlId,
        };
        Plan.Changes.Add(change);
        if (previous is null) counts.Imported++;
        else counts.Updated++;
        return change;
    }

    public void Skip(string table, long? legacyId, string kind, string message)
    {
        Report.For(table).Skipped++;
        Report.Add(table, legacyId, kind, message);
    }

    /// <summary>E.164 where the number parses (reported as reformatted when it was typed otherwise); as typed, and reported, when not.</summary>
    public string? PhoneNumber(string table, long id, string column, string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed)) return null;
        var normalized = E164.Normalize(typed, Plan.Settings.DefaultRegion);
        if (!normalized.IsValid)
        {
            Report.Add(table, id, "unparseable_number", $"{column} {normalized.Error} Kept as typed.");
            return typed;
        }

        if (normalized.E164 != typed)
            Report.Add(table, id, "number_reformatted", $"{column} '{typed}' was stored as {normalized.E164}.");
        return normalized.E164;
    }

    /// <summary>What a migrated row remembers of the values it was made from, to tell a changed legacy row from an unchanged one.</summary>
    public static string Fingerprint(Dictionary<string, object?> values) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(values)));

    /// <summary>SQLite's NOCASE: only A–Z fold, so 'Zoë' and 'ZOË' stay apart just as they do at sign-in.</summary>
    public static string NoCase(string value) => string.Create(value.Length, value, (span, s) =>
    {
        for (var i = 0; i < s.Length; i++) span[i] = s[i] is >= 'A' and <= 'Z' ? (char)(s[i] + 32) : s[i];
    });
}

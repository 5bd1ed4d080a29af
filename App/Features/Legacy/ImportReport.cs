using System.Globalization;
using System.Text;

namespace App.Features.Legacy;

/// <summary>What one run of <c>legacy import</c> read, wrote and found; printed for people, or as one JSON object.</summary>
public sealed class ImportReport
{
    public sealed class TenantPart
    {
        public string Id { get; init; } = "";
        public string Name { get; set; } = "";
        public bool Created { get; set; }

        /// <summary>Only when the run created the tenant: its API key, shown this once (like <c>tenant create</c>).</summary>
        public string? ApiKey { get; set; }

        /// <summary>What happened to the Twilio settings and the legacy site origin: imported, updated or unchanged.</summary>
        public string Settings { get; set; } = "unchanged";

        public string? LegacySiteOrigin { get; set; }
        public string? FromNumber { get; set; }
    }

    public sealed class TableCounts(string table)
    {
        public string Table { get; } = table;
        public int Read { get; set; }
        public int Imported { get; set; }
        public int Updated { get; set; }
        public int Unchanged { get; set; }
        public int Skipped { get; set; }
    }

    /// <param name="LegacyId">The legacy row's id (its AutoNumber); null for problems about a whole table or a file.</param>
    public sealed record Problem(string Table, long? LegacyId, string Kind, string Message);

    public bool DryRun { get; init; }
    public bool Committed { get; set; }
    public string TimeZone { get; init; } = "";
    public TenantPart Tenant { get; init; } = new();
    public IReadOnlyList<string> TablesInFile { get; set; } = [];
    public List<TableCounts> Tables { get; } = LegacyTables.All.Select(name => new TableCounts(name)).ToList();
    public int AmbiguousLocalTimes { get; set; }
    public List<Problem> Problems { get; } = [];

    public TableCounts For(string table) => Tables.First(t => t.Table == table);

    public void Add(string table, long? legacyId, string kind, string message) => Problems.Add(new Problem(table, legacyId, kind, message));

    public string ToText()
    {
        var text = new StringBuilder();
        var line = (string value) => text.Append(value).Append('\n');
        line(DryRun
            ? "Legacy import — DRY RUN: nothing was written."
            : Committed ? "Legacy import — done." : "Legacy import — nothing was written.");
        line($"Tenant: {Tenant.Id} ({Tenant.Name}){(Tenant.Created ? (DryRun ? ", would be created" : ", created") : "")}");
        if (Tenant.ApiKey is not null) line($"API key (shown only now): {Tenant.ApiKey}");
        line($"Twilio settings and legacy site: {Tenant.Settings}" +
             (Tenant.LegacySiteOrigin is null ? "" : $"; legacy site {Tenant.LegacySiteOrigin}") +
             (Tenant.FromNumber is null ? "" : $"; from {Tenant.FromNumber}"));
        line($"Local times read as {TimeZone}; {AmbiguousLocalTimes} fell in a daylight-saving overlap and were read as the earlier moment.");
        line("");
        line(string.Create(CultureInfo.InvariantCulture, $"{"table",-10} {"read",6} {"imported",9} {"updated",8} {"unchanged",10} {"skipped",8}"));
        foreach (var t in Tables)
            line(string.Create(CultureInfo.InvariantCulture, $"{t.Table,-10} {t.Read,6} {t.Imported,9} {t.Updated,8} {t.Unchanged,10} {t.Skipped,8}"));
        line("");
        line(Problems.Count == 0 ? "No problems found." : $"{Problems.Count} problem(s):");
        foreach (var p in Problems)
            line($"  {p.Table}{(p.LegacyId is { } id ? " #" + id.ToString(CultureInfo.InvariantCulture) : "")} [{p.Kind}] {p.Message}");
        return text.ToString();
    }
}

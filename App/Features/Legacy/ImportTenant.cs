using App.Infrastructure.Phone;
using App.Infrastructure.Security;

namespace App.Features.Legacy;

/// <summary>Web.config → the tenant: its name, Twilio account, sending number and the legacy site's host name.</summary>
internal static class ImportTenant
{
    private const string Table = "Web.config";
    private static readonly string[] RequiredSettings = ["TwilioAccountSid", "TwilioAuthToken", "TwilioFromNumber", "SiteUrl"];

    private sealed class TenantRow
    {
        public string Name { get; init; } = "";
        public string? TwilioSid { get; init; }
        public string? TwilioTokenEncrypted { get; init; }
        public string? FromNumber { get; init; }
        public string? LegacySiteOrigin { get; init; }
        public string Settings { get; init; } = "{}";
    }

    public static async Task PlanAsync(ImportRun run, LegacyImport.Options options, SecretProtector secrets)
    {
        var (source, plan, report) = (run.Source, run.Plan, run.Report);
        var tenant = await run.Connection.QuerySingleOrDefaultAsync<TenantRow>(
            "SELECT name, twilio_sid, twilio_token_encrypted, from_number, legacy_site_origin, settings FROM tenants WHERE id = @tenantId",
            new { tenantId = run.TenantId });

        plan.CreateTenant = tenant is null;
        plan.Settings = tenant is null ? new TenantSettings { TimeZone = options.TimeZone.Id } : TenantSettings.Parse(tenant.Settings);

        plan.TwilioSid = source.Setting("TwilioAccountSid");
        plan.TwilioToken = source.Setting("TwilioAuthToken");
        foreach (var key in RequiredSettings.Where(k => source.Setting(k) is null))
            report.Add(Table, null, "missing_setting", $"Web.config has no {key}; the tenant's value is left as it is.");

        if (source.Setting("TwilioFromNumber") is { } from)
        {
            var normalized = E164.Normalize(from, plan.Settings.DefaultRegion);
            if (normalized.IsValid) plan.FromNumber = normalized.E164;
            else report.Add(Table, null, "unparseable_number", $"TwilioFromNumber {normalized.Error} It was not imported.");
        }

        if (source.Setting("SiteUrl") is { } siteUrl) await PlanSiteAsync(run, siteUrl);

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

    /// <summary>SiteUrl's origin and host name, unless another tenant already answers for that host.</summary>
    private static async Task PlanSiteAsync(ImportRun run, string siteUrl)
    {
        if (!Uri.TryCreate(siteUrl, UriKind.Absolute, out var site) || (site.Scheme != Uri.UriSchemeHttp && site.Scheme != Uri.UriSchemeHttps))
        {
            run.Report.Add(Table, null, "unreadable_setting", $"SiteUrl '{siteUrl}' is not an http(s) address; it was not imported.");
            return;
        }

        var host = site.Authority.ToLowerInvariant();
        var owner = await run.Connection.QuerySingleOrDefaultAsync<string?>(
            "SELECT id FROM tenants WHERE legacy_site_host = @host AND id <> @tenantId", new { host, tenantId = run.TenantId });
        if (owner is not null)
        {
            run.Report.Add(Table, null, "legacy_host_taken", $"The legacy site {host} already belongs to another tenant; it was not set.");
            return;
        }

        run.Plan.SiteOrigin = $"{site.Scheme}://{site.Authority}".ToLowerInvariant();
        run.Plan.SiteHost = host;
    }
}

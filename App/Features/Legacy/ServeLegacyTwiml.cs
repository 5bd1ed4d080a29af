using System.Globalization;
using App.Features.Webhooks;
using App.Twilio;
using Microsoft.AspNetCore.Http.Features;

namespace App.Features.Legacy;

/// <summary>
/// GET|POST /Twiml.aspx?id=N on the legacy site's host name, and /legacy/{tenant_id}/Twiml.aspx?id=N anywhere: the
/// migrated VoiceXML row N of that tenant. Legacy ids are small sequential numbers, so the signature is checked before
/// anything is looked up (403 for a bad one, whether or not N exists); an unknown or inactive N answers 404 with an
/// empty, valid TwiML document.
/// </summary>
public static class ServeLegacyTwiml
{
    public static async Task<IResult> ByHostName(HttpContext context, Db db, TwilioAccounts accounts)
    {
        if (await LegacySites.FindByHostAsync(db, context) is not { } site) return NotFound();
        // Twilio signed the URL it was given: the legacy host as this request arrived, or as the legacy site wrote it.
        var target = RawTarget(context);
        return await ServeAsync(context, site.TenantId, [$"{context.Request.Scheme}://{context.Request.Host}{target}", site.Origin + target], db, accounts);
    }

    public static async Task<IResult> ByTenantId(string tenantId, HttpContext context, Db db, TwilioAccounts accounts, IConfiguration configuration)
    {
        if (!await LegacySites.IsActiveTenantAsync(db, tenantId, context.RequestAborted)) return NotFound();
        return await ServeAsync(context, tenantId, [TwilioWebhook.UrlAsTwilioSawIt(context, configuration)], db, accounts);
    }

    private static async Task<IResult> ServeAsync(HttpContext context, string tenantId, IReadOnlyList<string> signedUrls, Db db, TwilioAccounts accounts)
    {
        var account = await accounts.FindAsync(tenantId, context.RequestAborted);
        if (account is null) return NotFound();

        var form = new List<KeyValuePair<string, string>>();
        if (context.Request.HasFormContentType)
        {
            foreach (var (name, values) in await context.Request.ReadFormAsync(context.RequestAborted))
                form.AddRange(values.Select(value => new KeyValuePair<string, string>(name, value ?? "")));
        }

        if (account.AuthToken is not null)
        {
            // GET parameters are in the URL, which is signed as it is; a POST signs its form fields too.
            var signed = context.Request.Method == HttpMethods.Get ? [] : form;
            var signature = context.Request.Headers[TwilioSignature.HeaderName].ToString();
            if (!signedUrls.Distinct(StringComparer.Ordinal).Any(url => TwilioSignature.IsValid(url, signed, account.AuthToken, signature)))
                return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        var idText = context.Request.Query["id"].FirstOrDefault() ?? form.FirstOrDefault(p => p.Key == "id").Value;
        if (!long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var legacyId)) return NotFound();

        await using var connection = await db.OpenAsync(context.RequestAborted);
        var xml = await connection.QuerySingleOrDefaultAsync<string?>(
            "SELECT xml_content FROM voice_xml WHERE tenant_id = @tenantId AND legacy_id = @legacyId AND is_active = 1", new { tenantId, legacyId });
        if (xml is null) return NotFound();

        context.Response.Headers.CacheControl = "no-store";
        return Results.Text(xml, TwimlDocument.ContentType);
    }

    /// <summary>404 whose body is still a valid TwiML document, so nothing that reads it chokes.</summary>
    private static IResult NotFound() => Results.Text(TwimlDocument.EmptyResponse, TwimlDocument.ContentType, statusCode: StatusCodes.Status404NotFound);

    private static string RawTarget(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        return string.IsNullOrEmpty(raw) || !raw.StartsWith('/') ? context.Request.PathBase + context.Request.Path + context.Request.QueryString : raw;
    }
}

/// <summary>Which tenant a request to a legacy host name belongs to (its imported <c>SiteUrl</c>).</summary>
public static class LegacySites
{
    public sealed record Site(string TenantId, string Origin);

    public static async Task<Site?> FindByHostAsync(Db db, HttpContext context)
    {
        var host = context.Request.Host;
        if (!host.HasValue) return null;
        await using var connection = await db.OpenAsync(context.RequestAborted);
        return await connection.QuerySingleOrDefaultAsync<Site>("""
            SELECT id AS tenant_id, legacy_site_origin AS origin FROM tenants
            WHERE legacy_site_host IN (@withPort, @hostOnly) AND is_active = 1
            ORDER BY legacy_site_host = @withPort DESC LIMIT 1
            """, new { withPort = host.Value.ToLowerInvariant(), hostOnly = host.Host.ToLowerInvariant() });
    }

    public static async Task<bool> IsActiveTenantAsync(Db db, string tenantId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM tenants WHERE id = @tenantId AND is_active = 1", new { tenantId }) > 0;
    }
}

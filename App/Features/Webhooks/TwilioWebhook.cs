using App.Infrastructure.Hosting;
using App.Twilio;
using Microsoft.AspNetCore.Http.Features;

namespace App.Features.Webhooks;

/// <summary>
/// What every Twilio webhook does first: find the tenant (unknown → 404), read the parameters, and check
/// X-Twilio-Signature with the tenant's auth token over the URL as Twilio saw it (see docs/decisions.md, "Security"). A bad or missing
/// signature → 403 and nothing changes.
/// </summary>
public static class TwilioWebhook
{
    public sealed record Verified(TwilioAccounts.Account Account, IReadOnlyList<KeyValuePair<string, string>> Parameters)
    {
        public string? this[string name] => Parameters.LastOrDefault(p => p.Key == name).Value;
    }

    /// <summary>Either the verified request, or the answer to give Twilio (404/403).</summary>
    public static async Task<(Verified? Request, IResult? Refusal)> VerifyAsync(HttpContext context, string tenantId, TwilioAccounts accounts, IConfiguration configuration)
    {
        var account = await accounts.FindAsync(tenantId, context.RequestAborted);
        if (account is null) return (null, Results.NotFound());

        var parameters = new List<KeyValuePair<string, string>>();
        if (context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            foreach (var (name, values) in form)
                parameters.AddRange(values.Select(value => new KeyValuePair<string, string>(name, value ?? "")));
        }

        var url = UrlAsTwilioSawIt(context, configuration);
        // GET requests carry their parameters in the URL, which is already signed as it is.
        var signed = context.Request.Method == HttpMethods.Get ? [] : parameters;
        if (account.AuthToken is null || !TwilioSignature.IsValid(url, signed, account.AuthToken, context.Request.Headers[TwilioSignature.HeaderName]))
            return (null, Results.StatusCode(StatusCodes.Status403Forbidden));

        if (context.Request.Method == HttpMethods.Get)
            parameters.AddRange(context.Request.Query.SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? ""))));
        return (new Verified(account, parameters), null);
    }

    /// <summary>
    /// The public base (App:PublicBaseUrl, or the scheme and host after forwarded headers) plus the raw request
    /// target, never re-encoded: Twilio signs the URL exactly as it was configured (see docs/twilio.md, "Signatures").
    /// </summary>
    public static string UrlAsTwilioSawIt(HttpContext context, IConfiguration configuration)
    {
        var baseUrl = PublicUrls.OfRequest(context, configuration);
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(rawTarget) || !rawTarget.StartsWith('/'))
            rawTarget = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
        return baseUrl + rawTarget;
    }

    public static IResult EmptyTwiml() => Results.Text(TwimlDocument.EmptyResponse, TwimlDocument.ContentType);
}

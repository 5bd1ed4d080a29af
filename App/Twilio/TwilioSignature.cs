using System.Security.Cryptography;
using System.Text;

// Ours: the SDK's RequestValidator refuses genuine Twilio requests with repeated keys or a URL written with a default port.
namespace App.Twilio;

/// <summary>
/// Computes and checks the <c>X-Twilio-Signature</c> header (see docs/twilio.md, "Signatures").
/// </summary>
/// <remarks>
/// The URL must be the one Twilio requested, as configured: public scheme and host, path and the query string
/// still percent-encoded exactly as received (build it from the raw request target, not from <see cref="Uri"/>).
/// Form parameters are passed decoded, and every received field must be included, known or not.
/// </remarks>
public static class TwilioSignature
{
    public const string HeaderName = "X-Twilio-Signature";

    /// <summary>The base64 HMAC-SHA1 Twilio would send for this URL and these (decoded) form parameters.</summary>
    public static string Compute(string url, IEnumerable<KeyValuePair<string, string>>? parameters, string authToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentException.ThrowIfNullOrEmpty(authToken);

        var data = new StringBuilder(url);
        if (parameters is not null)
        {
            // Ordinal, never culture-aware: culture sorting puts "Caller" before "CallSid" (see docs/twilio.md, "Signatures").
            // Repeated keys: distinct values, sorted ordinally, each appended as name+value (twilio-node behaviour).
            var groups = parameters
                .GroupBy(p => p.Key, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal);
            foreach (var group in groups)
            {
                foreach (var value in group.Select(p => p.Value ?? string.Empty).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
                {
                    data.Append(group.Key).Append(value);
                }
            }
        }

#pragma warning disable CA5350 // Twilio's signature is defined as HMAC-SHA1; there is no choice here.
        var hash = HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString()));
#pragma warning restore CA5350
        return Convert.ToBase64String(hash);
    }

    /// <summary>
    /// True when <paramref name="signatureHeader"/> matches the URL as given, or the same URL with its default port
    /// removed or added (Twilio is inconsistent about <c>:443</c>/<c>:80</c>; see docs/twilio.md, "Signatures").
    /// </summary>
    public static bool IsValid(string url, IEnumerable<KeyValuePair<string, string>>? parameters, string authToken, string? signatureHeader)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (string.IsNullOrEmpty(signatureHeader) || string.IsNullOrEmpty(authToken))
        {
            return false;
        }

        var materialized = parameters?.ToList();
        foreach (var candidate in CandidateUrls(url))
        {
            if (FixedTimeEquals(Compute(candidate, materialized, authToken), signatureHeader))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Validates a JSON-body webhook (see docs/twilio.md, "Signatures"): the signature covers the URL (which carries <c>bodySHA256</c>) with
    /// no parameters, and <c>bodySHA256</c> must equal the SHA-256 hex of the raw body bytes.
    /// </summary>
    public static bool IsValidJson(string url, ReadOnlySpan<byte> rawBody, string authToken, string? signatureHeader)
    {
        ArgumentNullException.ThrowIfNull(url);
        var expectedHash = QueryValue(url, "bodySHA256");
        if (expectedHash is null || !IsValid(url, null, authToken, signatureHeader))
        {
            return false;
        }

        return FixedTimeEquals(BodySha256Hex(rawBody), expectedHash.ToLowerInvariant());
    }

    /// <summary>Lowercase hex SHA-256, as Twilio puts in <c>bodySHA256</c>.</summary>
    public static string BodySha256Hex(ReadOnlySpan<byte> rawBody) =>
        Convert.ToHexStringLower(SHA256.HashData(rawBody));

    /// <summary>The URL as given first, then with the default port removed or added.</summary>
    internal static IEnumerable<string> CandidateUrls(string url)
    {
        yield return url;

        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            yield break;
        }

        var scheme = url[..schemeEnd];
        var defaultPort = scheme.Equals("https", StringComparison.OrdinalIgnoreCase) ? "443"
            : scheme.Equals("http", StringComparison.OrdinalIgnoreCase) ? "80"
            : null;
        if (defaultPort is null)
        {
            yield break;
        }

        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0)
        {
            authorityEnd = url.Length;
        }

        var authority = url[authorityStart..authorityEnd];
        var hostStart = authority.LastIndexOf('@') + 1;
        var hostEnd = authority.LastIndexOf(']'); // IPv6 literal: the port colon comes after ']'
        var colon = authority.LastIndexOf(':');
        var hasPort = colon >= hostStart && colon > hostEnd;
        var prefix = url[..authorityStart];
        var rest = url[authorityEnd..];

        if (!hasPort)
        {
            yield return prefix + authority + ":" + defaultPort + rest;
        }
        else if (authority[(colon + 1)..] == defaultPort)
        {
            yield return prefix + authority[..colon] + rest;
        }
    }

    private static string? QueryValue(string url, string name)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
        {
            return null;
        }

        var fragment = url.IndexOf('#', query);
        var text = fragment < 0 ? url[(query + 1)..] : url[(query + 1)..fragment];
        foreach (var pair in text.Split('&'))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && Uri.UnescapeDataString(pair[..eq]) == name)
            {
                return Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }

        return null;
    }

    private static bool FixedTimeEquals(string expected, string actual)
    {
        var a = Encoding.UTF8.GetBytes(expected);
        var b = Encoding.UTF8.GetBytes(actual);
        // FixedTimeEquals already answers false on a length mismatch; the lengths themselves are not secret.
        return a.Length == b.Length && CryptographicOperations.FixedTimeEquals(a, b);
    }
}

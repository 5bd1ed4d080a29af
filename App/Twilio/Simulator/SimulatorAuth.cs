using System.Security.Cryptography;
using System.Text;

namespace App.Twilio.Simulator;

/// <summary>
/// HTTP Basic authentication as Twilio does it (see docs/twilio.md, "REST resources"): the username is the account SID of the path (password: its
/// auth token) or an API key SID <c>SK...</c> (password: in the simulator, the same auth token). Anything else is
/// 401 with code 20003.
/// </summary>
public sealed class SimulatorAuth(SimulatedAccounts accounts, Db db)
{
    private static readonly TimeSpan RescanInterval = TimeSpan.FromSeconds(5);
    private long _lastScanTicks;

    public static IResult Unauthorized(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"Twilio API\"";
        return SimulatorWire.Error(StatusCodes.Status401Unauthorized, 20003, "Authenticate");
    }

    /// <summary>The tenant behind the path's account SID when the request's credentials are right for it, else null.</summary>
    public async Task<string?> AuthenticateAsync(HttpRequest request, string accountSid, CancellationToken cancellationToken)
    {
        if (!TryReadBasic(request, out var username, out var password)) return null;
        if (username.StartsWith("AC", StringComparison.Ordinal) && username != accountSid) return null;
        if (!username.StartsWith("AC", StringComparison.Ordinal) && !username.StartsWith("SK", StringComparison.Ordinal)) return null;

        var tenantId = await ResolveAsync(accountSid, cancellationToken);
        if (tenantId is null) return null;

        var expected = Encoding.UTF8.GetBytes(accounts.AuthTokenFor(tenantId));
        var presented = Encoding.UTF8.GetBytes(password);
        return CryptographicOperations.FixedTimeEquals(expected, presented) ? tenantId : null;
    }

    /// <summary>A create request's form, or null when its credentials are not right for the path's account.</summary>
    internal async Task<CreateForm?> AuthenticateFormAsync(HttpRequest request, string accountSid, CancellationToken cancellationToken) =>
        await AuthenticateAsync(request, accountSid, cancellationToken) is { } tenantId
            ? await CreateForm.ReadAsync(tenantId, request, cancellationToken)
            : null;

    /// <summary>
    /// SIDs are known once their credentials were handed out in this process; after a restart, the tenants are
    /// re-derived from the database (at most every few seconds, so unknown SIDs cannot make it scan in a loop).
    /// </summary>
    private async Task<string?> ResolveAsync(string accountSid, CancellationToken cancellationToken)
    {
        if (accounts.TryResolve(accountSid, out var tenantId)) return tenantId;

        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastScanTicks);
        if (last != 0 && now - last < RescanInterval.TotalMilliseconds) return null;
        if (Interlocked.CompareExchange(ref _lastScanTicks, now, last) != last) return null;

        await using var connection = await db.OpenAsync(cancellationToken);
        foreach (var id in await connection.QueryAsync<string>("SELECT id FROM tenants"))
        {
            accounts.CredentialsFor(id);
        }

        return accounts.TryResolve(accountSid, out tenantId) ? tenantId : null;
    }

    private static bool TryReadBasic(HttpRequest request, out string username, out string password)
    {
        username = password = "";
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return false;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) return false;
            username = decoded[..colon];
            password = decoded[(colon + 1)..];
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

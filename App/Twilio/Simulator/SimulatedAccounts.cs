using System.Security.Cryptography;
using System.Text;
using App.Infrastructure.Security;

namespace App.Twilio.Simulator;

/// <summary>
/// In simulation every tenant has a Twilio-shaped account: an account SID ("AC" + 32 hex) and an auth token derived
/// from a key in the data directory, so the real client, the simulator and the webhook signature checks agree after
/// restarts without storing anything.
/// </summary>
public sealed class SimulatedAccounts(DataDirectory dataDirectory)
{
    public const string DefaultFromNumber = "+15005550006";

    private readonly byte[] _key = KeyFiles.LoadOrCreate(dataDirectory, "simulator.key");
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _tenantBySid = new(StringComparer.Ordinal);

    public TwilioCredentials CredentialsFor(string tenantId)
    {
        var sid = "AC" + Derive("sid:" + tenantId);
        _tenantBySid[sid] = tenantId;
        return TwilioCredentials.FromAuthToken(sid, AuthTokenFor(tenantId));
    }

    public string AuthTokenFor(string tenantId) => Derive("token:" + tenantId);

    /// <summary>The tenant behind an account SID the simulator was called with (known once its credentials were handed out).</summary>
    public bool TryResolve(string accountSid, out string tenantId) => _tenantBySid.TryGetValue(accountSid, out tenantId!);

    private string Derive(string purpose) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(purpose)))[..32];
}

// Ours: one tenant's credentials for one call, never printed; the SDK takes them as loose strings.
namespace App.Twilio;

/// <summary>
/// A tenant's Twilio credentials for one call. <paramref name="Username"/> is the Account SID (with the Auth Token as
/// <paramref name="Secret"/>) or an API Key SID <c>SK...</c> (with the key's secret); the Account SID always goes in the
/// URL path (see docs/twilio.md, "REST resources").
/// </summary>
public sealed record TwilioCredentials(string AccountSid, string Username, string Secret)
{
    public static TwilioCredentials FromAuthToken(string accountSid, string authToken) => new(accountSid, accountSid, authToken);

    // Records print every member by default; the secret must never reach a log.
    public override string ToString() => $"TwilioCredentials {{ AccountSid = {AccountSid}, Username = {Username}, Secret = *** }}";
}

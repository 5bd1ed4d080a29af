using System.Security.Cryptography;
using System.Text;

namespace App.Infrastructure.Security;

/// <summary>
/// The key that encrypts the Data Protection key ring (and so every Twilio token), kept off the data volume:
/// <c>App:MasterKey</c>, 32 random bytes in base64 (<c>openssl rand -base64 32</c>), from a Fly secret or the
/// environment. <c>App:PreviousMasterKeys</c> (comma-separated) are still accepted for reading while a rotation
/// finishes; at start the key ring is wrapped again with the current key (see <see cref="KeyRingWrapping"/>).
/// Without <c>App:MasterKey</c>: Production refuses to start, because a volume or a backup would otherwise carry the
/// tokens in the clear; anywhere else (a local run, tests) a development key is created once in the user's profile,
/// outside the data directory, and its location printed, so <c>dotnet run</c> keeps working with no setup.
/// </summary>
public sealed class MasterKeys
{
    public const string ConfigurationKey = "App:MasterKey";
    public const string PreviousConfigurationKey = "App:PreviousMasterKeys";

    public sealed class Key
    {
        internal Key(byte[] secret)
        {
            WrappingKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: Encoding.ASCII.GetBytes("Switchboard key ring wrapping v1"));
            Id = Convert.ToHexStringLower(HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 8, info: Encoding.ASCII.GetBytes("Switchboard master key id v1")));
        }

        /// <summary>Names the key in each wrapped key file without revealing it.</summary>
        public string Id { get; }

        internal byte[] WrappingKey { get; }
    }

    public MasterKeys(Key current, IReadOnlyList<Key> previous)
    {
        Current = current;
        Previous = previous;
    }

    public Key Current { get; }

    public IReadOnlyList<Key> Previous { get; }

    public Key? Find(string id) => Current.Id == id ? Current : Previous.FirstOrDefault(key => key.Id == id);

    public static MasterKeys From(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration[ConfigurationKey];
        Key current;
        if (!string.IsNullOrWhiteSpace(configured)) current = Parse(configured, ConfigurationKey);
        else if (environment.IsProduction())
            throw new InvalidOperationException(
                $"{ConfigurationKey} is not set. In Production the key ring that encrypts Twilio tokens must be encrypted with a key " +
                "kept off the data volume: create one with `openssl rand -base64 32` and set it as App__MasterKey (on Fly: `fly secrets set App__MasterKey=...`).");
        else current = new Key(DevelopmentKey());

        var previous = (configuration[PreviousConfigurationKey] ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(value => Parse(value, PreviousConfigurationKey))
            .Where(key => key.Id != current.Id)
            .ToList();
        return new MasterKeys(current, previous);
    }

    private static Key Parse(string value, string name)
    {
        byte[] secret;
        try
        {
            secret = Convert.FromBase64String(value.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{name} must be 32 random bytes in base64 (`openssl rand -base64 32`).");
        }

        return secret.Length == 32 ? new Key(secret) : throw new InvalidOperationException($"{name} must be 32 random bytes in base64 (`openssl rand -base64 32`).");
    }

    /// <summary>One development key per user account, in the user's profile, shared by every local data directory.</summary>
    private static byte[] DevelopmentKey()
    {
        var directory = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "switchboard");
        var created = !File.Exists(Path.Combine(directory, DevelopmentKeyFile));
        var key = KeyFiles.LoadOrCreate(directory, DevelopmentKeyFile);
        if (created)
            Console.WriteLine($"""

                ==> No App:MasterKey is set: created a development master key at {Path.Combine(directory, DevelopmentKeyFile)}.
                    It encrypts the key ring of every local data directory of this user. Production refuses to start without App:MasterKey.

                """);
        return key;
    }

    private const string DevelopmentKeyFile = "development-master.key";
}

using System.Xml.Linq;

namespace App.Infrastructure.Security;

/// <summary>
/// Brings every key file in {App:DataDirectory}/keys under the current master key, at start before anything reads
/// the ring: files written before the master key existed (their secret in the clear) are encrypted, and files
/// encrypted with one of <c>App:PreviousMasterKeys</c> are encrypted again with <c>App:MasterKey</c>. After one
/// start with both keys set, the previous key can be removed. Each file is replaced atomically. A key wrapped with
/// a master key that is neither current nor previous is left as it is; when no key at all can be opened, the start
/// is refused.
/// </summary>
public static class KeyRingWrapping
{
    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName EncryptedSecret = DataProtection + "encryptedSecret";
    private static readonly XName RequiresEncryption = DataProtection + "requiresEncryption";
    private const string DecryptorTypeAttribute = "decryptorType";

    public sealed record Result(int Encrypted, int Rewrapped, int UnknownMasterKeys);

    public static string KeyRingDirectory(DataDirectory dataDirectory) => Path.Combine(dataDirectory.Path, "keys");

    public static Result WrapWithCurrentKey(DataDirectory dataDirectory, MasterKeys keys)
    {
        var directory = KeyRingDirectory(dataDirectory);
        if (!Directory.Exists(directory)) return new Result(0, 0, 0);

        int encrypted = 0, rewrapped = 0, readable = 0;
        var unknownKeyIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(directory, "*.xml"))
        {
            var document = XDocument.Load(path);
            var changed = false;

            foreach (var plaintext in document.Descendants().Where(e => (string?)e.Attribute(RequiresEncryption) == "true").ToList())
            {
                plaintext.ReplaceWith(Wrapped(MasterKeyXmlEncryptor.Encrypt(plaintext, keys.Current)));
                encrypted++;
                changed = true;
            }

            foreach (var secret in document.Descendants(EncryptedSecret).ToList())
            {
                if ((string?)secret.Attribute(DecryptorTypeAttribute) is not { } type || !type.StartsWith(typeof(MasterKeyXmlDecryptor).FullName + ",", StringComparison.Ordinal)) continue;
                var inner = secret.Elements().Single();
                var id = MasterKeyXmlEncryptor.MasterKeyIdOf(inner) ?? "";
                if (keys.Find(id) is null)
                {
                    unknownKeyIds.Add(id);
                    continue;
                }

                readable++;
                if (id == keys.Current.Id) continue;
                secret.ReplaceWith(Wrapped(MasterKeyXmlEncryptor.Encrypt(MasterKeyXmlEncryptor.Decrypt(inner, keys), keys.Current)));
                rewrapped++;
                changed = true;
            }

            if (changed) Replace(path, document);
        }

        // A wrong master key must not start a server that answers every token read with an error, nor let Data
        // Protection quietly start a second ring beside the one it cannot open.
        if (readable == 0 && encrypted == 0 && unknownKeyIds.Count > 0)
            throw new InvalidOperationException(
                $"App:MasterKey does not open the key ring in {directory}: it was encrypted with the master key id {string.Join(", ", unknownKeyIds)} " +
                $"(this key's id is {keys.Current.Id}). Set App:MasterKey to that key, or add it to App:PreviousMasterKeys.");
        return new Result(encrypted, rewrapped, unknownKeyIds.Count);
    }

    /// <summary>The element Data Protection itself writes around an encrypted secret.</summary>
    private static XElement Wrapped(XElement encrypted) =>
        new(EncryptedSecret, new XAttribute(DecryptorTypeAttribute, typeof(MasterKeyXmlDecryptor).AssemblyQualifiedName!), encrypted);

    private static void Replace(string path, XDocument document)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        document.Save(temporary);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, path, overwrite: true);
    }
}

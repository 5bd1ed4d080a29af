using System.Xml.Linq;
using App.Infrastructure.Database;

namespace App.Infrastructure.Security;

/// <summary>
/// Brings every key file in {App:DataDirectory}/keys under the current master key, at start before anything reads
/// the ring: files written before the master key existed (their secret in the clear) are encrypted, and files
/// encrypted with one of <c>App:PreviousMasterKeys</c> are encrypted again with <c>App:MasterKey</c>. After one
/// start with both keys set, the previous key can be removed. Each file is replaced atomically.
/// </summary>
public static class KeyRingWrapping
{
    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName EncryptedSecret = DataProtection + "encryptedSecret";
    private static readonly XName RequiresEncryption = DataProtection + "requiresEncryption";
    private const string DecryptorTypeAttribute = "decryptorType";

    public sealed record Result(int Encrypted, int Rewrapped);

    public static string KeyRingDirectory(DataDirectory dataDirectory) => Path.Combine(dataDirectory.Path, "keys");

    public static Result WrapWithCurrentKey(DataDirectory dataDirectory, MasterKeys keys)
    {
        var directory = KeyRingDirectory(dataDirectory);
        if (!Directory.Exists(directory)) return new Result(0, 0);

        int encrypted = 0, rewrapped = 0;
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
                if (MasterKeyXmlEncryptor.MasterKeyIdOf(inner) == keys.Current.Id) continue;
                secret.ReplaceWith(Wrapped(MasterKeyXmlEncryptor.Encrypt(MasterKeyXmlEncryptor.Decrypt(inner, keys), keys.Current)));
                rewrapped++;
                changed = true;
            }

            if (changed) Replace(path, document);
        }

        return new Result(encrypted, rewrapped);
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

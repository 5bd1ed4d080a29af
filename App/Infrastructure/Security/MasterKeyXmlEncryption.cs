using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace App.Infrastructure.Security;

/// <summary>
/// Encrypts each Data Protection key's secret part with AES-256-GCM under the current master key before it is
/// written to {App:DataDirectory}/keys. The file keeps only the master key's id, a nonce, the tag and the cipher text.
/// </summary>
public sealed class MasterKeyXmlEncryptor(MasterKeys keys) : IXmlEncryptor
{
    internal static readonly XName EncryptedKeyElement = "encryptedKey";
    internal static readonly XName MasterKeyIdElement = "masterKeyId";
    internal static readonly XName ValueElement = "value";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
        new(Encrypt(plaintextElement, keys.Current), typeof(MasterKeyXmlDecryptor));

    internal static XElement Encrypt(XElement plaintextElement, MasterKeys.Key key)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key.WrappingKey, TagSize))
            aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), Encoding.ASCII.GetBytes(key.Id));
        CryptographicOperations.ZeroMemory(plaintext);

        return new XElement(EncryptedKeyElement,
            new XComment(" Encrypted with App:MasterKey (AES-256-GCM); without that key this file is useless. "),
            new XElement(MasterKeyIdElement, key.Id),
            new XElement(ValueElement, Convert.ToBase64String(sealedBytes)));
    }

    internal static string? MasterKeyIdOf(XElement encryptedElement) => encryptedElement.Element(MasterKeyIdElement)?.Value;

    internal static XElement Decrypt(XElement encryptedElement, MasterKeys keys)
    {
        var id = MasterKeyIdOf(encryptedElement) ?? throw new CryptographicException("The key ring entry names no master key.");
        var key = keys.Find(id) ?? throw new CryptographicException(
            $"The key ring was encrypted with a master key (id {id}) that is neither App:MasterKey nor one of App:PreviousMasterKeys.");
        var sealedBytes = Convert.FromBase64String(encryptedElement.Element(ValueElement)?.Value ?? "");
        if (sealedBytes.Length < NonceSize + TagSize) throw new CryptographicException("The key ring entry is truncated.");

        var plaintext = new byte[sealedBytes.Length - NonceSize - TagSize];
        using (var aes = new AesGcm(key.WrappingKey, TagSize))
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), plaintext, Encoding.ASCII.GetBytes(key.Id));
        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}

/// <summary>
/// Reads what <see cref="MasterKeyXmlEncryptor"/> wrote, with the current or a previous master key. Data Protection
/// creates it by type name from the key file, through the constructor that takes the service provider.
/// </summary>
public sealed class MasterKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) =>
        MasterKeyXmlEncryptor.Decrypt(encryptedElement, services.GetRequiredService<MasterKeys>());
}

using System.Security.Cryptography;

namespace App.Infrastructure.Security;

/// <summary>Random 32-byte keys kept in {App:DataDirectory}/keys, created on first use and readable only by the app.</summary>
public static class KeyFiles
{
    private static readonly Lock Gate = new();

    public static byte[] LoadOrCreate(DataDirectory dataDirectory, string name) =>
        LoadOrCreate(Path.Combine(dataDirectory.Path, "keys"), name);

    public static byte[] LoadOrCreate(string directory, string name)
    {
        var path = Path.Combine(directory, name);
        lock (Gate)
        {
            if (File.Exists(path)) return Convert.FromBase64String(File.ReadAllText(path).Trim());

            Directory.CreateDirectory(directory);
            var key = RandomNumberGenerator.GetBytes(32);
            var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            File.WriteAllText(temporary, Convert.ToBase64String(key));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            try
            {
                File.Move(temporary, path, overwrite: false);
                return key;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: everyone must use the same key.
                File.Delete(temporary);
                return Convert.FromBase64String(File.ReadAllText(path).Trim());
            }
        }
    }
}

using App.Features.Files.Audio;

namespace App.Features.Files;

/// <summary>
/// Where the library's bytes live: <c>{App:DataDirectory}/files/{tenant}/{guid}.{ext}</c>, with uploads in progress
/// under <c>{tenant}/.incoming/</c> (same file system, so the final move is an atomic rename). Rows keep the path
/// relative to the data directory; every path read back is checked to stay under the files root.
/// </summary>
public sealed class FileStorage(DataDirectory dataDirectory)
{
    public const string IncomingFolder = ".incoming";

    public string Root { get; } = Path.Combine(dataDirectory.Path, "files");

    public string TenantDirectory(string tenantId)
    {
        // Tenant ids are slugs (a-z, 0-9, '-'); refuse anything that could step out of the root.
        if (string.IsNullOrEmpty(tenantId) || tenantId.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            throw new InvalidOperationException("The tenant id cannot be used as a folder name.");
        return Path.Combine(Root, tenantId);
    }

    public string IncomingDirectory(string tenantId) => Path.Combine(TenantDirectory(tenantId), IncomingFolder);

    /// <summary>A new, server-chosen name for a stored file: never derived from what the client sent.</summary>
    public static string NewStoredName(string format) => Guid.NewGuid().ToString("N") + AudioProbe.ExtensionFor(format);

    /// <summary>The value kept in <c>voice_files.file_path</c>: relative to the data directory, '/' separated.</summary>
    public static string RelativePath(string tenantId, string storedName) => $"files/{tenantId}/{storedName}";

    /// <summary>The absolute path of a stored row's file; throws if the row's path would leave the files root.</summary>
    public string FullPath(string relativePath)
    {
        var full = Path.GetFullPath(Path.Combine(dataDirectory.Path, relativePath));
        if (!full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new InvalidOperationException("A stored file path points outside the files folder.");
        return full;
    }

    /// <summary>Removes a stored file, if it is still there.</summary>
    public void Delete(string relativePath)
    {
        var path = FullPath(relativePath);
        if (File.Exists(path)) File.Delete(path);
    }
}

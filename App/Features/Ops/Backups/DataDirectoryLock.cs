namespace App.Features.Ops.Backups;

/// <summary>
/// Marks a data directory as in use by a running server: the server holds a shared lock on
/// <c>{App:DataDirectory}/app.lock</c> for as long as it runs (the operating system drops it when the process ends,
/// however it ends); <c>restore</c> needs the exclusive lock and so refuses while any server runs there. Command
/// line tools that work beside the server (tenant, backup) take no lock.
/// </summary>
public sealed class DataDirectoryLock(DataDirectory dataDirectory) : IDisposable
{
    public const string FileName = "app.lock";

    private FileStream? _held;

    /// <summary>Held by the server from start to stop.</summary>
    public void HoldShared() => _held ??= Open(dataDirectory.Path, FileShare.ReadWrite)
        ?? throw new InvalidOperationException($"{dataDirectory.Path} is being restored; start App again when the restore has finished.");

    /// <summary>The exclusive lock, or null when a server runs on the directory.</summary>
    public static FileStream? TryExclusive(string dataDirectoryPath) => Open(dataDirectoryPath, FileShare.None);

    private static FileStream? Open(string directory, FileShare share)
    {
        try
        {
            return new FileStream(Path.Combine(directory, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, share);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _held?.Dispose();
}

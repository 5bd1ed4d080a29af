namespace App.Infrastructure.Security;

/// <summary>Files only the app's own user can read: uploads, imported audio, restored backups.</summary>
public static class PrivateFiles
{
    /// <summary>Options for creating a new file only its owner can read (mode 600 where the OS has modes).</summary>
    public static FileStreamOptions CreateNew(FileOptions fileOptions = FileOptions.None)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 0,
            Options = fileOptions,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return options;
    }
}

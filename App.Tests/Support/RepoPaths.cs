namespace App.Tests.Support;

/// <summary>Where things are: the repository root (holds App.sln) and ../shared beside it.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Shared { get; } = Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    /// <summary>App's own build output, the same configuration as these tests.</summary>
    public static string AppDll
    {
        get
        {
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/{Configuration}/net10.0
            var path = Path.Combine(Root, "App", "bin", configuration, "net10.0", "App.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build App first.", path);
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "App.sln"))) return directory.FullName;
        }

        throw new DirectoryNotFoundException("App.sln not found above " + AppContext.BaseDirectory);
    }
}

using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using App.Infrastructure.Security;
using Microsoft.Data.Sqlite;

namespace App.Features.Ops.Backups;

/// <summary>
/// One backup is one tar file (gzip-compressed when its name ends in .gz or .tgz) holding what a data directory
/// needs to come back: <c>app.db</c> (a consistent snapshot taken with <c>VACUUM INTO</c> while App serves),
/// <c>files/</c> (the audio library), <c>keys/*.xml</c> (the Data Protection key ring, itself encrypted with
/// App:MasterKey) and, last, <c>manifest.json</c> with every entry's size and SHA-256.
/// A tar because it is one file to copy off the machine, keeps Unix file modes, can be written and read as a
/// stream, and any machine's <c>tar</c> can open it by hand. The raw signing keys (<c>keys/*.key</c>) are left out
/// on purpose: they are usable secrets in the clear; a restored directory makes new ones (sessions and play URLs
/// issued before the restore stop working, nothing stored depends on them).
/// </summary>
public static class BackupArchive
{
    public const string DatabaseEntry = "app.db";
    public const string ManifestEntry = "manifest.json";
    public const string Format = "switchboard-backup";

    public sealed record Entry(string Name, long Bytes, string Sha256);

    public sealed record Manifest(string Format, int FormatVersion, DateTimeOffset CreatedAt, int SchemaVersion, IReadOnlyList<Entry> Entries);

    public sealed record Summary(string Path, DateTimeOffset CreatedAt, long Bytes, long DatabaseBytes, int Files, string IntegrityCheck,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? MissingFiles);

    private static readonly JsonSerializerOptions ManifestJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public static bool IsCompressed(string path) =>
        path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Writes the backup to <paramref name="target"/> (through a .partial file renamed only once it is verified, so a
    /// crash never leaves something that looks like a backup) and reads it back to check every entry.
    /// </summary>
    public static async Task<Summary> CreateAsync(Db db, DataDirectory dataDirectory, string target, DateTimeOffset now, CancellationToken cancellationToken)
    {
        target = Path.GetFullPath(target);
        if (File.Exists(target)) throw new IOException($"{target} already exists; a backup never overwrites a file.");
        var folder = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(folder);
        var snapshot = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.db");
        var partial = target + ".partial";
        try
        {
            await using (var connection = await db.OpenAsync(cancellationToken))
                await connection.ExecuteAsync("VACUUM INTO @snapshot", new { snapshot });
            var integrity = IntegrityCheck(snapshot);
            if (integrity != "ok") throw new InvalidDataException($"The database snapshot failed PRAGMA integrity_check: {integrity}");
            var (schemaVersion, referenced) = ReadSnapshot(snapshot);

            var sources = new List<(string Name, string Path)> { (DatabaseEntry, snapshot) };
            var filesRoot = Path.Combine(dataDirectory.Path, "files");
            if (Directory.Exists(filesRoot))
            {
                sources.AddRange(Directory.EnumerateFiles(filesRoot, "*", SearchOption.AllDirectories)
                    .Where(path => !Path.GetRelativePath(filesRoot, path).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
                    .Order(StringComparer.Ordinal)
                    .Select(path => (EntryName(dataDirectory, path), path)));
            }

            var keys = Path.Combine(dataDirectory.Path, "keys");
            if (Directory.Exists(keys))
                sources.AddRange(Directory.EnumerateFiles(keys, "*.xml").Order(StringComparer.Ordinal).Select(path => (EntryName(dataDirectory, path), path)));

            var entries = new List<Entry>();
            await using (var output = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(partial, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                await using var compressed = IsCompressed(target) ? new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true) : null;
                await using (var tar = new TarWriter(compressed ?? (Stream)output, TarEntryFormat.Pax, leaveOpen: true))
                {
                    foreach (var (name, path) in sources)
                    {
                        Entry entry;
                        try
                        {
                            entry = new Entry(name, new FileInfo(path).Length, await HashAsync(path, cancellationToken));
                            await tar.WriteEntryAsync(path, name, cancellationToken);
                        }
                        catch (FileNotFoundException) when (name != DatabaseEntry)
                        {
                            continue; // deleted while the backup ran: the snapshot decides what is missing below
                        }

                        entries.Add(entry);
                    }

                    var manifest = JsonSerializer.SerializeToUtf8Bytes(new Manifest(Format, 1, now, schemaVersion, entries), ManifestJson);
                    var manifestEntry = new PaxTarEntry(TarEntryType.RegularFile, ManifestEntry) { DataStream = new MemoryStream(manifest), Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
                    await tar.WriteEntryAsync(manifestEntry, cancellationToken);
                }
            }

            var verified = await VerifyAsync(partial, cancellationToken);
            File.Move(partial, target);
            var archived = entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
            var missing = referenced.Where(path => !archived.Contains(path)).ToList();
            return new Summary(target, now, new FileInfo(target).Length, entries[0].Bytes, verified.Entries.Count(e => e.Name.StartsWith("files/", StringComparison.Ordinal)),
                integrity, missing.Count > 0 ? missing : null);
        }
        finally
        {
            File.Delete(snapshot);
            if (File.Exists(partial)) File.Delete(partial);
        }
    }

    /// <summary>Reads the archive back: every entry must match the size and SHA-256 its manifest recorded.</summary>
    public static async Task<Manifest> VerifyAsync(string path, CancellationToken cancellationToken) =>
        await ReadAsync(path, extractTo: null, cancellationToken);

    /// <summary>Extracts the archive into <paramref name="extractTo"/>, verifying every entry against the manifest.</summary>
    public static async Task<Manifest> ReadAsync(string path, string? extractTo, CancellationToken cancellationToken)
    {
        var seen = new Dictionary<string, Entry>(StringComparer.Ordinal);
        Manifest? manifest = null;
        await using (var input = File.OpenRead(path))
        {
            // By content, not name: a gzip stream starts with 1f 8b (and the file being verified is still *.partial).
            var isGzip = input.ReadByte() == 0x1f && input.ReadByte() == 0x8b;
            input.Position = 0;
            await using var decompressed = isGzip ? new GZipStream(input, CompressionMode.Decompress, leaveOpen: true) : null;
            await using var tar = new TarReader(decompressed ?? (Stream)input, leaveOpen: true);
            while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                if (entry.Name == ManifestEntry)
                {
                    manifest = await JsonSerializer.DeserializeAsync<Manifest>(entry.DataStream!, ManifestJson, cancellationToken);
                    continue;
                }

                var destination = extractTo is null ? null : SafeDestination(extractTo, entry.Name);
                seen[entry.Name] = await CopyAndHashAsync(entry, destination, cancellationToken);
            }
        }

        if (manifest is null || manifest.Format != Format) throw new InvalidDataException($"{path} is not a Switchboard backup (no manifest).");
        foreach (var expected in manifest.Entries)
        {
            if (!seen.TryGetValue(expected.Name, out var actual) || actual.Bytes != expected.Bytes || actual.Sha256 != expected.Sha256)
                throw new InvalidDataException($"{path} is damaged: {expected.Name} does not match its manifest.");
        }

        if (seen.Count != manifest.Entries.Count) throw new InvalidDataException($"{path} holds entries its manifest does not list.");
        return manifest;
    }

    public static string IntegrityCheck(string databasePath)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return string.Join("; ", connection.Query<string>("PRAGMA integrity_check"));
    }

    private static (int SchemaVersion, IReadOnlyList<string> ReferencedFiles) ReadSnapshot(string snapshot)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = snapshot, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        var version = connection.ExecuteScalar<int>("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
        var files = connection.Query<string>("SELECT file_path FROM voice_files").AsList();
        return (version, files);
    }

    private static string EntryName(DataDirectory dataDirectory, string path) =>
        Path.GetRelativePath(dataDirectory.Path, path).Replace(Path.DirectorySeparatorChar, '/');

    private static string SafeDestination(string root, string name)
    {
        var full = Path.GetFullPath(Path.Combine(root, name));
        if (name.Contains('\\') || !full.StartsWith(Path.GetFullPath(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new InvalidDataException($"The backup holds an entry outside its folder: {name}");
        return full;
    }

    private static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    private static async Task<Entry> CopyAndHashAsync(TarEntry entry, string? destination, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        FileStream? output = null;
        if (destination is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            output = new FileStream(destination, PrivateFiles.CreateNew());
        }

        long bytes = 0;
        await using (output)
        {
            var buffer = new byte[81920];
            if (entry.DataStream is { } data)
            {
                int read;
                while ((read = await data.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    bytes += read;
                    if (output is not null) await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }
        }

        return new Entry(entry.Name, bytes, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}

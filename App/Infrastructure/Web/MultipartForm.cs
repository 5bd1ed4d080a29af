using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using App.Infrastructure.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace App.Infrastructure.Web;

/// <summary>
/// A multipart/form-data upload read part by part, never buffered whole: the part named <c>file</c> is streamed into a
/// new private file, counted (stopping at the limit), hashed and flushed to disk; the text parts the use case takes are
/// read up to <see cref="MaxFieldLength"/> characters (a field sent in several parts, together). Every way such a body
/// can be wrong is answered in the envelope, never as a 500: not multipart (415), larger than allowed (413, asking the
/// client to close rather than have the server drain the rest), malformed or ended early (400), a second file or a
/// field too long (400 naming it).
/// </summary>
public sealed class MultipartForm
{
    public const int MaxFieldLength = 16 * 1024;

    // Room for boundaries, part headers and the text fields around the file itself.
    private const long MultipartAllowance = 256 * 1024;

    /// <summary>One use case's form: its file limit, the text fields it takes, and its refusals in its own words.</summary>
    /// <param name="FieldOf">The field a text part belongs to (e.g. tag_list[] to tag_list), or null to skip the part unread.</param>
    /// <param name="TooLong">The refusal of a field longer than <see cref="MaxFieldLength"/>.</param>
    public sealed record Rules(
        long MaxFileBytes, string NotMultipart, string TooLarge, string OneFileOnly, Func<string, string?> FieldOf, Func<string, string> TooLong);

    private readonly Dictionary<string, List<string>> _fields = new(StringComparer.Ordinal);

    private MultipartForm(IResult? refusal = null) => Refusal = refusal;

    /// <summary>Why the body was refused; nothing else is set then.</summary>
    public IResult? Refusal { get; private set; }

    public bool HasFile { get; private set; }

    /// <summary>The file name the client gave, if any: for display only, never a path.</summary>
    public string? FileName { get; private set; }

    public long FileSize { get; private set; }

    public string FileSha256 { get; private set; } = "";

    /// <summary>The field's last value, or null when it was not sent.</summary>
    public string? Field(string name) => _fields.TryGetValue(name, out var values) ? values[^1] : null;

    /// <summary>Every value the field was sent with, in order.</summary>
    public IReadOnlyList<string> Values(string name) => _fields.TryGetValue(name, out var values) ? values : [];

    /// <summary>Reads the request's form, the file part into <paramref name="filePath"/> (its folder created when needed).</summary>
    public static async Task<MultipartForm> ReadAsync(HttpContext http, Rules rules, string filePath, CancellationToken ct)
    {
        var boundary = Boundary(http.Request.ContentType);
        if (boundary is null)
            return new MultipartForm(Api.Error(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, rules.NotMultipart));
        if (http.Request.ContentLength > rules.MaxFileBytes + MultipartAllowance) return new MultipartForm(TooLarge(http, rules));
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
            bodyLimit.MaxRequestBodySize = rules.MaxFileBytes + MultipartAllowance;

        var form = new MultipartForm();
        try
        {
            form.Refusal = await form.ReadPartsAsync(http, boundary, rules, filePath, ct);
        }
        catch (InvalidDataException malformed)
        {
            form.Refusal = Api.Error(StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, "The multipart body is malformed: " + malformed.Message);
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            form.Refusal = TooLarge(http, rules);
        }
        catch (IOException) when (!http.RequestAborted.IsCancellationRequested)
        {
            // The body ended before the closing boundary (a client that gave up mid-upload lands here too).
            form.Refusal = Api.Error(StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, "The upload ended before the multipart body was complete.");
        }

        return form;
    }

    private static string? Boundary(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return null;
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        return string.IsNullOrWhiteSpace(boundary) || boundary.Length > 200 ? null : boundary;
    }

    private async Task<IResult?> ReadPartsAsync(HttpContext http, string boundary, Rules rules, string filePath, CancellationToken ct)
    {
        var reader = new MultipartReader(boundary, http.Request.Body, bufferSize: 64 * 1024) { HeadersLengthLimit = 16 * 1024, HeadersCountLimit = 16 };
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                continue;
            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
            if (name == "file")
            {
                if (HasFile) return Validation.Problem("file", rules.OneFileOnly);
                HasFile = true;
                FileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                if (!await CopyAsync(section.Body, filePath, rules.MaxFileBytes, ct)) return TooLarge(http, rules);
            }
            else if (rules.FieldOf(name) is { } field)
            {
                var value = await ReadFieldAsync(section.Body, ct);
                if (!_fields.TryGetValue(field, out var values)) _fields[field] = values = [];
                if (value is null || values.Sum(v => v.Length) + value.Length > MaxFieldLength) return Validation.Problem(field, rules.TooLong(field));
                values.Add(value);
            }
        }

        return null;
    }

    private async Task<bool> CopyAsync(Stream source, string filePath, long maxBytes, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(filePath)!);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using var output = new FileStream(filePath, PrivateFiles.CreateNew(FileOptions.Asynchronous));
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
                if (total > maxBytes) return false;
                hash.AppendData(buffer, 0, read);
                await output.WriteAsync(buffer.AsMemory(0, read), ct);
            }

            output.Flush(flushToDisk: true);
            FileSize = total;
            FileSha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A text field, or null when it is longer than the field limit.</summary>
    private static async Task<string?> ReadFieldAsync(Stream source, CancellationToken ct)
    {
        using var reader = new StreamReader(source, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true);
        var buffer = new char[MaxFieldLength + 1];
        var length = await reader.ReadBlockAsync(buffer.AsMemory(), ct);
        return length > MaxFieldLength ? null : new string(buffer, 0, length);
    }

    private static IResult TooLarge(HttpContext http, Rules rules)
    {
        // The rest of the body is never read: ask the client to close rather than have the server drain it.
        http.Response.Headers.Connection = "close";
        return Api.Error(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, rules.TooLarge,
            new Dictionary<string, long> { ["max_bytes"] = rules.MaxFileBytes });
    }
}

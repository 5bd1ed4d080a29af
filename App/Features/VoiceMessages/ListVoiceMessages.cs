using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace App.Features.VoiceMessages;

/// <summary>
/// GET /api/voice-messages?page=&amp;per_page=&amp;is_active=&amp;voice_type=&amp;search= — newest first. is_active takes
/// true/false (or 1/0, for Delphi clients); search matches names containing the text, ignoring case.
/// The answer is kept per tenant and query in <see cref="VoiceMessageListCache"/> until the tenant's voice messages
/// change, and carries an ETag: a client that sends it back in If-None-Match gets 304.
/// </summary>
public static class ListVoiceMessages
{
    /// <summary>The normalised query: two requests with the same one get the same answer.</summary>
    public sealed record Query(string TenantId, int Page, int PerPage, bool? IsActive, string? VoiceType, string? Search);

    private const string Where = """
        WHERE tenant_id = @TenantId
          AND (@IsActive IS NULL OR is_active = @IsActive)
          AND (@VoiceType IS NULL OR voice_type = @VoiceType)
          AND (@Search IS NULL OR name LIKE @Search ESCAPE '\')
        """;

    private const string CountSql = $"SELECT COUNT(*) FROM voice_messages {Where}";

    private const string PageSql = $"""
        SELECT {GetVoiceMessage.Columns} FROM voice_messages {Where}
        ORDER BY created_at DESC, id DESC
        LIMIT @Limit OFFSET @Offset
        """;

    public static async Task<IResult> Handle(
        int? page,
        [FromQuery(Name = "per_page")] int? perPage,
        [FromQuery(Name = "is_active")] string? isActive,
        [FromQuery(Name = "voice_type")] string? voiceType,
        string? search,
        CurrentTenant tenant, Db db, VoiceMessageListCache cache, IOptions<HttpJsonOptions> json, CancellationToken ct)
    {
        if (ListFilters.IsActive(isActive, out var active) is { } problem) return problem;
        if (!string.IsNullOrEmpty(voiceType) && !VoiceMessageRules.Types.Contains(voiceType))
            return Validation.Problem("voice_type", $"voice_type is one of {string.Join(", ", VoiceMessageRules.Types)}.");

        var request = PageRequest.From(page, perPage);
        var query = new Query(tenant.Id, request.Page, request.PerPage, active,
            string.IsNullOrEmpty(voiceType) ? null : voiceType,
            string.IsNullOrWhiteSpace(search) ? null : search.Trim());
        return cache.Find(query) ?? await ReadAsync(query, db, cache, json.Value.SerializerOptions, ct);
    }

    private static async Task<Answer> ReadAsync(Query query, Db db, VoiceMessageListCache cache, JsonSerializerOptions json, CancellationToken ct)
    {
        // Taken before the read: a write that commits while we read bumps the version, so this answer is never served after it.
        var version = cache.Version(query.TenantId);
        var request = new PageRequest(query.Page, query.PerPage);
        var parameters = new
        {
            query.TenantId,
            query.IsActive,
            query.VoiceType,
            Search = query.Search is null ? null : SqlLike.Containing(query.Search),
            Limit = request.PerPage,
            request.Offset,
        };

        await using var connection = await db.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(CountSql, parameters);
        IEnumerable<GetVoiceMessage.Row> rows = total == 0 ? [] : await connection.QueryAsync<GetVoiceMessage.Row>(PageSql, parameters);

        var envelope = Api.PageEnvelope(rows.Select(GetVoiceMessage.ToItem).ToList(), request, total, Answer.TimestampMarker);
        var answer = new Answer(query.TenantId, version, JsonSerializer.SerializeToUtf8Bytes(envelope, json), json);
        cache.Store(query, answer);
        return answer;
    }

    /// <summary>
    /// One list answer as the bytes <see cref="Api.Page{T}"/> would send, cut around the envelope's timestamp so that
    /// every response writes its own time there. Items hold nothing that changes with time (no signed URLs), so an
    /// answer stays right until the tenant's version moves.
    /// </summary>
    public sealed class Answer : IResult
    {
        internal static readonly DateTimeOffset TimestampMarker = DateTimeOffset.UnixEpoch;

        private readonly byte[] _beforeTimestamp;
        private readonly byte[] _afterTimestamp;
        private readonly EntityTagHeaderValue _etag;
        private readonly JsonSerializerOptions _json;

        internal Answer(string tenantId, long version, byte[] envelope, JsonSerializerOptions json)
        {
            // The last occurrence is the envelope's own: only the pagination numbers follow it.
            var marker = JsonSerializer.SerializeToUtf8Bytes(TimestampMarker, json);
            var at = envelope.AsSpan().LastIndexOf(marker);
            _beforeTimestamp = envelope[..at];
            _afterTimestamp = envelope[(at + marker.Length)..];
            _etag = new EntityTagHeaderValue($"\"{version.ToString(CultureInfo.InvariantCulture)}-{Hash(tenantId, envelope)}\"");
            _json = json;
            Version = version;
        }

        public long Version { get; }

        public long Length => _beforeTimestamp.Length + _afterTimestamp.Length;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.Headers.ETag = _etag.ToString();
            // The browser may keep it but must ask first; shared caches must not keep it (it is one tenant's data).
            response.Headers.CacheControl = "private, no-cache";
            if (ClientHoldsIt(httpContext.Request))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }

            var timestamp = JsonSerializer.SerializeToUtf8Bytes(DateTimeOffset.UtcNow, _json);
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = Length + timestamp.Length;
            response.BodyWriter.Write(_beforeTimestamp);
            response.BodyWriter.Write(timestamp);
            response.BodyWriter.Write(_afterTimestamp);
            await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
        }

        private bool ClientHoldsIt(HttpRequest request) =>
            request.Headers.IfNoneMatch.Count > 0
            && request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(_etag, useStrongComparison: false));

        private static string Hash(string tenantId, byte[] envelope)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(Encoding.UTF8.GetBytes(tenantId));
            hash.AppendData(envelope);
            return Convert.ToHexStringLower(hash.GetHashAndReset(), 0, 12);
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace App.Features.Sending;

/// <summary>
/// <c>Idempotency-Key</c> on the send endpoints (see docs/decisions.md, "Sending"): the first answer is stored with the send, in the same
/// transaction, and a repeat with the same key returns it (kept at least 24 h) instead of sending again. The same key
/// with a different request → 409 IDEMPOTENCY_KEY_REUSED.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public static readonly TimeSpan Retention = TimeSpan.FromHours(48);

    public sealed class Stored
    {
        public string Endpoint { get; init; } = "";
        public string RequestHash { get; init; } = "";
        public int StatusCode { get; init; }
        public string ResponseBody { get; init; } = "";
    }

    /// <summary>The key from the header; a refusal when it is present but unusable.</summary>
    public static (string? Key, IResult? Refusal) KeyFrom(HttpRequest request)
    {
        var key = request.Headers[Header].FirstOrDefault();
        if (key is null) return (null, null);
        if (key.Length is 0 or > 255 || key.Any(c => c < 0x21 || c > 0x7e))
            return (null, Validation.Problem("idempotency_key", "The Idempotency-Key header must be 1–255 visible ASCII characters."));
        return (key, null);
    }

    /// <summary>A hash of what the request asks for (its parsed form, so JSON and form bodies with the same values match).</summary>
    public static string Hash<T>(string endpoint, T request) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(endpoint + "\n" + JsonSerializer.Serialize(request, Json.Options))));

    public static async Task<Stored?> FindAsync(SqliteConnection connection, string tenantId, string key, SqliteTransaction? transaction = null) =>
        await connection.QuerySingleOrDefaultAsync<Stored>("""
            SELECT endpoint, request_hash, status_code, response_body FROM idempotency_keys
            WHERE tenant_id = @tenantId AND key = @key
            """, new { tenantId, key }, transaction);

    /// <summary>The stored answer again, or 409 when the key was used for a different request.</summary>
    public static IResult Replay(HttpContext context, Stored stored, string endpoint, string requestHash)
    {
        if (stored.Endpoint != endpoint || stored.RequestHash != requestHash)
        {
            return Api.Error(StatusCodes.Status409Conflict, ErrorCodes.IdempotencyKeyReused,
                "This Idempotency-Key was already used for a different request; use a new key for a new send.");
        }

        context.Response.Headers[ReplayedHeader] = "true";
        return Results.Content(stored.ResponseBody, "application/json; charset=utf-8", Encoding.UTF8, stored.StatusCode);
    }

    /// <summary>Stores the answer with the send; false when a concurrent request with the same key won the race.</summary>
    public static Task<bool> TrySaveAsync(SqliteConnection connection, SqliteTransaction transaction, string tenantId, string key,
        string endpoint, string requestHash, int statusCode, object envelope)
    {
        var inserted = PreparedStatements.Execute(connection, transaction, """
            INSERT INTO idempotency_keys (tenant_id, key, endpoint, request_hash, status_code, response_body)
            VALUES (@tenantId, @key, @endpoint, @requestHash, @statusCode, @body)
            ON CONFLICT (tenant_id, key) DO NOTHING
            """, new { tenantId, key, endpoint, requestHash, statusCode, body = JsonSerializer.Serialize(envelope, Json.Options) });
        return Task.FromResult(inserted == 1);
    }

    public static Task<int> ForgetOlderThanAsync(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset cutoff) =>
        connection.ExecuteAsync("DELETE FROM idempotency_keys WHERE created_at < @cutoff",
            new { cutoff = Db.Timestamp(cutoff) }, transaction);
}

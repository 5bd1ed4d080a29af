using Microsoft.Data.Sqlite;

namespace App.Features.Communication;

/// <summary>
/// The tenant's opt-out list. Recipients join it by texting an opt-out keyword (Twilio's defaults: STOP, STOPALL,
/// UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT) or when Twilio refuses a send with 21610, and leave it with an
/// opt-in keyword (START, YES, UNSTOP). A send to a listed number is refused before it reaches Twilio.
/// </summary>
public static class OptOutList
{
    private static readonly HashSet<string> OptOutKeywords = new(StringComparer.OrdinalIgnoreCase)
        { "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT" };

    private static readonly HashSet<string> OptInKeywords = new(StringComparer.OrdinalIgnoreCase)
        { "START", "YES", "UNSTOP" };

    public enum Keyword { None, OptOut, OptIn }

    /// <summary>Twilio matches the whole message, trimmed and case-insensitive ("Stop", " STOP ", "stop." are not all equal).</summary>
    public static Keyword Classify(string? body)
    {
        var word = body?.Trim().TrimEnd('.', '!') ?? "";
        return OptOutKeywords.Contains(word) ? Keyword.OptOut : OptInKeywords.Contains(word) ? Keyword.OptIn : Keyword.None;
    }

    public static Task AddAsync(SqliteConnection connection, string tenantId, string phoneNumber, string keyword, SqliteTransaction? transaction = null) =>
        connection.ExecuteAsync("""
            INSERT INTO opt_outs (tenant_id, phone_number, keyword) VALUES (@tenantId, @phoneNumber, @keyword)
            ON CONFLICT (tenant_id, phone_number) DO NOTHING
            """, new { tenantId, phoneNumber, keyword }, transaction);

    public static Task RemoveAsync(SqliteConnection connection, string tenantId, string phoneNumber, SqliteTransaction? transaction = null) =>
        connection.ExecuteAsync("DELETE FROM opt_outs WHERE tenant_id = @tenantId AND phone_number = @phoneNumber", new { tenantId, phoneNumber }, transaction);

    public static async Task<bool> ContainsAsync(SqliteConnection connection, string tenantId, string phoneNumber, SqliteTransaction? transaction = null) =>
        await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM opt_outs WHERE tenant_id = @tenantId AND phone_number = @phoneNumber",
            new { tenantId, phoneNumber }, transaction) > 0;

    /// <summary>Every number on the tenant's list, for checking many at once (a campaign's spreadsheet).</summary>
    public static async Task<HashSet<string>> NumbersAsync(SqliteConnection connection, string tenantId) =>
        (await connection.QueryAsync<string>("SELECT phone_number FROM opt_outs WHERE tenant_id = @tenantId", new { tenantId })).ToHashSet(StringComparer.Ordinal);
}

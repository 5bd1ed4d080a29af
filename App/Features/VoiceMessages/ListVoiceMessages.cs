using App.Infrastructure.Database;
using App.Infrastructure.Tenancy;
using App.Infrastructure.Web;
using Dapper;
using Microsoft.AspNetCore.Mvc;

namespace App.Features.VoiceMessages;

/// <summary>
/// GET /api/voice-messages?page=&amp;per_page=&amp;is_active=&amp;voice_type=&amp;search= — newest first. is_active takes
/// true/false (or 1/0, for Delphi clients); search matches names containing the text, ignoring case.
/// </summary>
public static class ListVoiceMessages
{
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
        CurrentTenant tenant, Db db, CancellationToken ct)
    {
        int? active = isActive?.Trim().ToLowerInvariant() switch
        {
            null or "" => null,
            "true" or "1" => 1,
            "false" or "0" => 0,
            _ => -1,
        };
        if (active == -1) return Validation.Problem("is_active", "is_active is true or false.");
        if (!string.IsNullOrEmpty(voiceType) && !VoiceMessageRules.Types.Contains(voiceType))
            return Validation.Problem("voice_type", $"voice_type is one of {string.Join(", ", VoiceMessageRules.Types)}.");

        var request = PageRequest.From(page, perPage);
        var parameters = new
        {
            TenantId = tenant.Id,
            IsActive = active,
            VoiceType = string.IsNullOrEmpty(voiceType) ? null : voiceType,
            Search = string.IsNullOrWhiteSpace(search) ? null : "%" + EscapeLike(search.Trim()) + "%",
            Limit = request.PerPage,
            request.Offset,
        };

        await using var connection = await db.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(CountSql, parameters);
        IEnumerable<GetVoiceMessage.Row> rows = total == 0 ? [] : await connection.QueryAsync<GetVoiceMessage.Row>(PageSql, parameters);
        return Api.Page(rows.Select(GetVoiceMessage.ToItem).ToList(), request, total);
    }

    private static string EscapeLike(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);
}

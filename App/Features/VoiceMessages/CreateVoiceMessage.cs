using System.Text.Json;
using App.Twilio;
using FluentValidation;
using Microsoft.Data.Sqlite;

namespace App.Features.VoiceMessages;

/// <summary>
/// POST /api/voice-messages. The body is also the PUT body (<see cref="UpdateVoiceMessage"/>): a whole template.
/// </summary>
public static class CreateVoiceMessage
{
    /// <param name="Voice">A voice from the catalogue; omit it to map legacy voice_gender/tropo_voice, or to get the language's default voice.</param>
    /// <param name="VoiceFileId">An audio file of the tenant's library played before, after or instead of the text (play_position, default before).</param>
    public sealed record Request(
        string? Name,
        string? VoiceText,
        string? Voice = null,
        string? Language = null,
        string? VoiceRate = null,
        string? VoiceGender = null,
        int? VoiceAge = null,
        string? TropoVoice = null,
        string? VoiceType = null,
        JsonElement? VoiceSettings = null,
        long? VoiceFileId = null,
        string? PlayPosition = null,
        bool? IsActive = null);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Name).NotEmpty().WithMessage("The name is required.")
                .Must(name => name!.Trim().Length <= VoiceMessageRules.MaxNameLength)
                .When(r => !string.IsNullOrWhiteSpace(r.Name), ApplyConditionTo.CurrentValidator)
                .WithMessage($"The name is at most {VoiceMessageRules.MaxNameLength} characters.");
            RuleFor(r => r.VoiceText).NotEmpty().WithMessage("The text to speak (voice_text) is required.");
            RuleFor(r => r.VoiceType).Must(type => VoiceMessageRules.Types.Contains(type!)).When(r => r.VoiceType is not null)
                .WithMessage($"voice_type is one of {string.Join(", ", VoiceMessageRules.Types)}.");
            RuleFor(r => r.PlayPosition).Must(position => VoiceMessageRules.PlayPositions.Contains(position!)).When(r => r.PlayPosition is not null)
                .WithMessage($"play_position is one of {string.Join(", ", VoiceMessageRules.PlayPositions)}.");
            RuleFor(r => r.VoiceFileId).GreaterThan(0).WithMessage("voice_file_id is the id of a file in your library.");
            RuleFor(r => r.VoiceSettings).Must(settings => settings!.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Null)
                .When(r => r.VoiceSettings is not null).WithMessage("voice_settings is a JSON object.");
            RuleFor(r => r).Custom((request, context) =>
            {
                var (choice, errors) = VoiceMessageRules.Resolve(request);
                foreach (var (field, message) in errors) context.AddFailure(field, message);
                if (string.IsNullOrWhiteSpace(request.VoiceText)) return;

                foreach (var placeholder in TemplateVariables.Validate(request.VoiceText))
                    context.AddFailure("voice_text", VoiceMessageRules.PlaceholderMessage(placeholder));
                var length = VoiceScript.SayLength(request.VoiceText, choice.Voice, choice.VoiceRate);
                if (length > TwilioVoices.MaxSayLength(choice.Voice))
                    context.AddFailure("voice_text", VoiceMessageRules.SayLimitMessage(length, choice.Voice));
            });
        }
    }

    /// <summary>The values to store, after defaults, trimming and the voice resolution.</summary>
    internal static object Parameters(Request request, string tenantId, long? id = null)
    {
        var choice = VoiceMessageRules.Resolve(request).Choice;
        var settings = request.VoiceSettings is { ValueKind: JsonValueKind.Object } json ? json.GetRawText() : null;
        return new
        {
            Id = id,
            TenantId = tenantId,
            Name = request.Name!.Trim(),
            request.VoiceText,
            choice.Voice,
            choice.Language,
            choice.VoiceRate,
            choice.VoiceGender,
            choice.VoiceAge,
            choice.TropoVoice,
            VoiceType = request.VoiceType ?? "message",
            VoiceSettings = settings,
            request.VoiceFileId,
            PlayPosition = request.VoiceFileId is null ? null : request.PlayPosition ?? "before",
            IsActive = request.IsActive ?? true,
        };
    }

    private const string Sql = $"""
        INSERT INTO voice_messages (tenant_id, name, voice_text, voice, language, voice_rate, voice_gender, voice_age, tropo_voice,
                                    voice_type, voice_settings, voice_file_id, play_position, is_active)
        VALUES (@TenantId, @Name, @VoiceText, @Voice, @Language, @VoiceRate, @VoiceGender, @VoiceAge, @TropoVoice,
                @VoiceType, @VoiceSettings, @VoiceFileId, @PlayPosition, @IsActive)
        RETURNING {GetVoiceMessage.Columns}
        """;

    public static async Task<IResult> Handle(Request request, CurrentTenant tenant, Db db, VoiceMessageListCache lists, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var name = request.Name!.Trim();
        if (await VoiceMessageRules.NameTakenAsync(connection, tenant.Id, name, exceptId: null) is { } conflict) return conflict;
        if (await VoiceMessageRules.FileMissingAsync(connection, tenant.Id, request.VoiceFileId) is { } missing) return missing;

        try
        {
            var row = await connection.QuerySingleAsync<GetVoiceMessage.Row>(Sql, Parameters(request, tenant.Id));
            lists.Invalidate(tenant.Id);
            return Api.Created($"/api/voice-messages/{row.Id}", GetVoiceMessage.ToItem(row), "Voice message created.");
        }
        catch (SqliteException ex) when (VoiceMessageRules.IsUniqueViolation(ex))
        {
            return VoiceMessageRules.NameConflict(name);
        }
        catch (SqliteException ex) when (VoiceMessageRules.IsForeignKeyViolation(ex) && request.VoiceFileId is { } fileId)
        {
            return VoiceMessageRules.FileMissing(fileId);
        }
    }
}

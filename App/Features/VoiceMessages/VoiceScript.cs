using App.Twilio;
using Microsoft.Data.Sqlite;

namespace App.Features.VoiceMessages;

/// <summary>
/// Turns a voice message into the TwiML a call uses; the preview endpoint shows exactly the same document.
/// <c>&lt;Response&gt;</c>, then the file's <c>&lt;Play&gt;</c> before or after the <c>&lt;Say voice language&gt;</c>,
/// or instead of it. The substituted text is one XML text node (variable values are text, never markup), wrapped in
/// <c>&lt;prosody rate&gt;</c> when the rate is not medium and the voice takes SSML (see docs/decisions.md, "Twilio behaviour").
/// </summary>
public static class VoiceScript
{
    /// <param name="VoiceRate">x-slow | slow | medium | fast | x-fast | n%; null or medium = no prosody.</param>
    /// <param name="PlayPosition">before (default) | after | instead; only used with a file and a play URL.</param>
    public sealed record Template(string VoiceText, string Voice, string Language, string? VoiceRate, long? VoiceFileId, string? PlayPosition);

    /// <summary>
    /// <see cref="Twiml"/> is null when a variable has no value (<see cref="MissingVariables"/>) or the template cannot
    /// become valid TwiML (<see cref="Problem"/>: malformed placeholder, text over the voice's limit after substitution).
    /// A call must then be refused, never placed with a hole in it.
    /// </summary>
    public sealed record Result(string? Twiml, IReadOnlyList<string> MissingVariables, string? Problem = null)
    {
        public bool IsSuccess => Twiml is not null;
    }

    /// <param name="playUrl">The file's URL (see <see cref="PlayUrlAsync"/>); null leaves the file out and speaks the text.</param>
    public static Result Render(Template template, IReadOnlyDictionary<string, string> variables, string? playUrl)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(variables);
        var rendered = TemplateVariables.Render(template.VoiceText, variables);
        if (!rendered.IsSuccess)
        {
            var problem = rendered.MalformedPlaceholders.Count == 0 ? null
                : "The text has malformed placeholders: " + string.Join(", ", rendered.MalformedPlaceholders) + ".";
            return new Result(null, rendered.MissingNames, problem);
        }

        var text = rendered.Text!;
        var play = template.VoiceFileId is not null && !string.IsNullOrWhiteSpace(playUrl);
        var position = template.PlayPosition ?? "before";
        var say = !(play && position == "instead");
        if (say && SayLength(text, template.Voice, template.VoiceRate) is var length && length > TwilioVoices.MaxSayLength(template.Voice))
        {
            return new Result(null, [], VoiceMessageRules.SayLimitMessage(length, template.Voice) + " (after filling in the variables)");
        }

        try
        {
            var twiml = new VoiceTwiml();
            if (play && position is "before" or "instead") twiml.Play(playUrl!);
            if (say) twiml.Say(text, template.Voice, template.Language, ProsodyRate(template.Voice, template.VoiceRate));
            if (play && position == "after") twiml.Play(playUrl!);
            return new Result(twiml.ToXml(), []);
        }
        catch (ArgumentException ex)
        {
            // Only stored data that bypassed validation (an imported row) gets here.
            return new Result(null, [], "The voice message cannot be written as TwiML: " + ex.Message);
        }
    }

    /// <summary>The active voice message of the tenant, or null (missing, another tenant's, or inactive).</summary>
    public static async Task<Template?> FindAsync(SqliteConnection connection, string tenantId, long voiceMessageId,
        SqliteTransaction? transaction = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var row = await connection.QuerySingleOrDefaultAsync<GetVoiceMessage.Row>(new CommandDefinition(
            $"{GetVoiceMessage.Sql} AND is_active = 1", new { Id = voiceMessageId, TenantId = tenantId }, transaction, cancellationToken: ct));
        return row?.ToTemplate();
    }

    /// <summary>The template's file URL from the optional <see cref="IVoiceFileUrls"/>; null without a file or an implementation.</summary>
    public static async Task<string?> PlayUrlAsync(IServiceProvider services, string tenantId, Template template, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(template);
        if (template.VoiceFileId is not { } fileId) return null;
        var urls = services.GetService<IVoiceFileUrls>();
        return urls is null ? null : await urls.PlayUrlAsync(tenantId, fileId, ct);
    }

    /// <summary>The rate to put in <c>&lt;prosody&gt;</c>, or null: medium is the default, and Basic voices take no SSML.</summary>
    public static string? ProsodyRate(string voice, string? rate) =>
        string.IsNullOrWhiteSpace(rate) || rate == "medium" || !TwilioVoices.SupportsSsml(voice) ? null : rate;

    /// <summary>
    /// Characters Twilio counts for one <c>&lt;Say&gt;</c> (see docs/twilio.md, "TwiML"): the text for Basic and Polly voices; for Google,
    /// the content as written, markup and escapes included.
    /// </summary>
    public static int SayLength(string text, string voice, string? rate)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TwilioVoices.SayLengthCountsMarkup(voice)) return text.Length;
        var length = text.Length;
        foreach (var c in text)
        {
            length += c switch { '&' => 4, '<' or '>' => 3, _ => 0 };
        }

        return ProsodyRate(voice, rate) is { } prosody
            ? length + $"<prosody rate=\"{prosody}\">".Length + "</prosody>".Length
            : length;
    }
}

using App.Features.Audit;
using App.Infrastructure.Phone;
using App.Infrastructure.Security;
using FluentValidation;

namespace App.Features.Tenants;

/// <summary>
/// PUT /api/tenant/profile. The Twilio auth token (and API key secret) are write-only: omit them to keep the stored
/// value, send "" to clear it. They are encrypted before they are stored.
/// </summary>
public static class UpdateProfile
{
    public sealed record Request(
        string? Name,
        string? TwilioSid,
        string? TwilioToken,
        string? TwilioApiKeySid,
        string? TwilioApiSecret,
        string? FromNumber,
        SettingsRequest? Settings);

    public sealed record SettingsRequest(
        IReadOnlyList<string>? AllowedEmbedOrigins,
        string? DefaultRegion,
        string? TimeZone,
        string? InboundGreeting,
        IReadOnlyList<QuietWindow>? QuietHours = null);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Name).NotEmpty().WithMessage("The name is required.").MaximumLength(100);
            RuleFor(r => r.TwilioSid).Matches("^AC[0-9a-fA-F]{32}$").When(r => !string.IsNullOrEmpty(r.TwilioSid))
                .WithMessage("A Twilio account SID is 'AC' followed by 32 hexadecimal characters.");
            RuleFor(r => r.TwilioToken).Matches("^[0-9a-zA-Z]{32}$").When(r => !string.IsNullOrEmpty(r.TwilioToken))
                .WithMessage("A Twilio auth token is 32 letters and digits.");
            RuleFor(r => r.TwilioApiKeySid).Matches("^SK[0-9a-fA-F]{32}$").When(r => !string.IsNullOrEmpty(r.TwilioApiKeySid))
                .WithMessage("A Twilio API key SID is 'SK' followed by 32 hexadecimal characters.");
            RuleFor(r => r.FromNumber)
                .Must(number => E164.Normalize(number, "US").IsValid && number!.TrimStart().StartsWith('+'))
                .When(r => !string.IsNullOrEmpty(r.FromNumber))
                .WithMessage("The from number must be a phone number in +E.164 form, e.g. +14155550100.");
            RuleForEach(r => r.Settings!.AllowedEmbedOrigins).Must(BeAnOrigin).When(r => r.Settings?.AllowedEmbedOrigins is not null)
                .OverridePropertyName("settings.allowed_embed_origins")
                .WithMessage("'{PropertyValue}' is not an origin: use scheme://host[:port] with no path, e.g. https://crm.example.com.");
            RuleFor(r => r.Settings!.DefaultRegion).Must(E164.IsSupportedRegion).When(r => r.Settings?.DefaultRegion is not null)
                .OverridePropertyName("settings.default_region")
                .WithMessage("The default region must be a two-letter region code such as US or GB.");
            RuleFor(r => r.Settings!.TimeZone).Must(BeATimeZone).When(r => r.Settings?.TimeZone is not null)
                .OverridePropertyName("settings.time_zone")
                .WithMessage("The time zone must be an IANA name such as Europe/London.");
            RuleFor(r => r.Settings!.InboundGreeting).MaximumLength(1000).When(r => r.Settings is not null)
                .OverridePropertyName("settings.inbound_greeting");
            RuleFor(r => r.Settings!.QuietHours).Must(windows => windows!.Count <= MaxQuietWindows).When(r => r.Settings?.QuietHours is not null)
                .OverridePropertyName("settings.quiet_hours").WithMessage($"At most {MaxQuietWindows} quiet windows.");
            RuleForEach(r => r.Settings!.QuietHours).Must(BeAQuietWindow).When(r => r.Settings?.QuietHours is not null)
                .OverridePropertyName("settings.quiet_hours")
                .WithMessage("Each quiet window is {\"days\": [\"mon\", …, \"sun\"], \"from\": \"HH:mm\", \"to\": \"HH:mm\"} (to not after from runs into the next day; equal times are the whole day).");
        }

        private static bool BeAnOrigin(string origin) =>
            Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            && uri.PathAndQuery == "/" && !origin.EndsWith('/') && string.IsNullOrEmpty(uri.UserInfo);

        private const int MaxQuietWindows = 14;

        private static bool BeAQuietWindow(QuietWindow? window) =>
            window is { Days: { Count: > 0 } days } && days.All(QuietWindow.IsDay) && QuietWindow.IsTime(window.From) && QuietWindow.IsTime(window.To);

        private static bool BeATimeZone(string? id) => id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
    }

    public static async Task<IResult> Handle(Request request, HttpContext http, CurrentTenant tenant, Db db, SecretProtector secrets,
        TenantDirectory directory, IConfiguration configuration, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var current = await connection.QuerySingleOrDefaultAsync<GetProfile.Row>(GetProfile.Sql, new { tenantId = tenant.Id });
        if (current is null) return Api.NotFound("tenant");

        var stored = TenantSettings.Parse(current.Settings);
        var settings = request.Settings is null ? stored : stored with
        {
            AllowedEmbedOrigins = request.Settings.AllowedEmbedOrigins?.Distinct(StringComparer.OrdinalIgnoreCase).ToArray() ?? stored.AllowedEmbedOrigins,
            DefaultRegion = request.Settings.DefaultRegion?.ToUpperInvariant() ?? stored.DefaultRegion,
            TimeZone = request.Settings.TimeZone ?? stored.TimeZone,
            InboundGreeting = request.Settings.InboundGreeting ?? stored.InboundGreeting,
            QuietHours = request.Settings.QuietHours?
                .Select(w => w with { Days = w.Days.Select(d => d.ToLowerInvariant()).Distinct().ToArray() }).ToArray() ?? stored.QuietHours,
        };

        var row = await connection.QuerySingleAsync<GetProfile.Row>($"""
            UPDATE tenants SET
                name = @Name,
                twilio_sid = @TwilioSid,
                twilio_token_encrypted = CASE WHEN @KeepToken THEN twilio_token_encrypted ELSE @Token END,
                twilio_api_key_sid = @TwilioApiKeySid,
                twilio_api_secret_encrypted = CASE WHEN @KeepSecret THEN twilio_api_secret_encrypted ELSE @Secret END,
                from_number = @FromNumber,
                settings = @Settings,
                updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
            WHERE id = @TenantId
            RETURNING {GetProfile.Columns}
            """, new
        {
            TenantId = tenant.Id,
            Name = request.Name!.Trim(),
            TwilioSid = NullIfEmpty(request.TwilioSid),
            KeepToken = request.TwilioToken is null,
            Token = secrets.Protect(request.TwilioToken),
            TwilioApiKeySid = NullIfEmpty(request.TwilioApiKeySid),
            KeepSecret = request.TwilioApiSecret is null,
            Secret = secrets.Protect(request.TwilioApiSecret),
            FromNumber = NullIfEmpty(request.FromNumber?.Trim()),
            Settings = settings.ToJson(),
        });

        directory.Invalidate();
        AuditChanges.Record(http, AuditSnapshot(current), AuditSnapshot(row));
        if (request.TwilioApiSecret is not null) AuditChanges.Record(http, new { TwilioApiSecret = 0 }, new { TwilioApiSecret = 1 });
        return Api.Ok(GetProfile.ToProfile(row, secrets, configuration), "Profile updated.");
    }

    // Secrets are compared as stored (ciphertext) and recorded only as "(changed)"; the API secret is not read back, so
    // sending one at all counts as a change.
    private static object AuditSnapshot(GetProfile.Row row) => new
    {
        row.Name, row.TwilioSid, TwilioToken = row.TwilioTokenEncrypted, row.TwilioApiKeySid, row.FromNumber,
        Settings = TenantSettings.Parse(row.Settings),
    };

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

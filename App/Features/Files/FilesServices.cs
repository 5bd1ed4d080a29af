using App.Features.VoiceMessages;

namespace App.Features.Files;

/// <summary>The <c>Files</c> configuration section.</summary>
public sealed class FilesOptions
{
    /// <summary>Largest accepted audio file, in bytes (default 10 MB).</summary>
    public long MaxUploadBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Bytes each tenant may keep in its library (default 500 MB).</summary>
    public long TenantQuotaBytes { get; set; } = 500L * 1024 * 1024;

    /// <summary>How long a media URL put in TwiML stays valid: Twilio may fetch it a while after the call starts.</summary>
    public double MediaUrlLifetimeHours { get; set; } = 24;

    /// <summary>How long a preview URL for the admin UI's audio player stays valid.</summary>
    public double PlayUrlLifetimeMinutes { get; set; } = 30;

    /// <summary>Unfinished uploads and unreferenced files older than this are removed by the janitor.</summary>
    public double LeftoverMaxAgeMinutes { get; set; } = 60;

    /// <summary>How often the janitor runs after its first pass at start-up.</summary>
    public double SweepIntervalMinutes { get; set; } = 60;
}

public static class FilesServices
{
    /// <summary>The audio library's services: storage paths, signed media URLs and the leftover-file janitor.</summary>
    public static IServiceCollection AddFiles(this IServiceCollection services)
    {
        services.AddOptions<FilesOptions>().BindConfiguration("Files")
            .Validate(o => o.MaxUploadBytes > 0 && o.TenantQuotaBytes > 0, "Files:MaxUploadBytes and Files:TenantQuotaBytes must be positive.");
        services.AddSingleton<FileStorage>();
        services.AddSingleton<MediaUrls>();
        services.AddSingleton<IVoiceFileUrls>(provider => provider.GetRequiredService<MediaUrls>());
        services.AddSingleton<FilesJanitor>();
        services.AddHostedService(provider => provider.GetRequiredService<FilesJanitor>());
        return services;
    }
}

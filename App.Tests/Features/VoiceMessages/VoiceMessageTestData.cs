using System.Text.Json;
using App.Features.VoiceMessages;
using App.Tests.Support;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace App.Tests.Features.VoiceMessages;

/// <summary>Arrange/assert helpers for the voice message tests: create through the API, read the stored row, seed library files.</summary>
internal static class VoiceMessageTestData
{
    public sealed class StoredRow
    {
        public long Id { get; init; }
        public string TenantId { get; init; } = "";
        public string Name { get; init; } = "";
        public string VoiceText { get; init; } = "";
        public string Voice { get; init; } = "";
        public string Language { get; init; } = "";
        public string? VoiceRate { get; init; }
        public string? VoiceGender { get; init; }
        public long? VoiceAge { get; init; }
        public string? TropoVoice { get; init; }
        public string? VoiceType { get; init; }
        public string? VoiceSettings { get; init; }
        public long? VoiceFileId { get; init; }
        public string? PlayPosition { get; init; }
        public bool IsActive { get; init; }
    }

    public static Dictionary<string, object?> Body(string name = "Appointment reminder", string text = "Hello {{first_name}}, see you at {{time}}.") =>
        new() { ["name"] = name, ["voice_text"] = text };

    public static Dictionary<string, object?> With(this Dictionary<string, object?> body, string key, object? value)
    {
        body[key] = value;
        return body;
    }

    public static async Task<JsonElement> CreateAsync(this HttpClient client, Dictionary<string, object?> body) =>
        await (await client.PostJsonAsync("/api/voice-messages", body)).ShouldBeSuccessAsync(201);

    public static async Task<long> CreateIdAsync(this HttpClient client, Dictionary<string, object?> body) =>
        (await client.CreateAsync(body)).GetProperty("id").GetInt64();

    public static async Task<StoredRow?> RowAsync(this AppFactory factory, long id)
    {
        await using var connection = await factory.Db.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<StoredRow>("""
            SELECT id, tenant_id, name, voice_text, voice, language, voice_rate, voice_gender, voice_age, tropo_voice, voice_type,
                   voice_settings, voice_file_id, play_position, is_active
            FROM voice_messages WHERE id = @id
            """, new { id });
    }

    public static async Task<long> InsertFileAsync(this AppFactory factory, string tenantId, bool active = true)
    {
        await using var connection = await factory.Db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("""
            INSERT INTO voice_files (tenant_id, filename, file_type, content_type, file_path, is_active)
            VALUES (@tenantId, 'welcome.mp3', 'mp3', 'audio/mpeg', 'files/welcome.mp3', @active) RETURNING id
            """, new { tenantId, active });
    }

    public static string[] Details(this JsonElement error, string field) =>
        error.GetProperty("details").GetProperty(field).EnumerateArray().Select(e => e.GetString()!).ToArray();

    public static string[] Strings(this JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();
}

/// <summary>The app with a stand-in file library: files listed in <see cref="Urls"/> have a play URL, others none.</summary>
public sealed class VoiceFileUrlsFactory : AppFactory
{
    public FakeVoiceFileUrls Urls { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IVoiceFileUrls>(Urls));
    }
}

public sealed class FakeVoiceFileUrls : IVoiceFileUrls
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, long), string> _urls = new();

    public void Add(string tenantId, long fileId, string url) => _urls[(tenantId, fileId)] = url;

    public Task<string?> PlayUrlAsync(string tenantId, long fileId, CancellationToken ct) =>
        Task.FromResult(_urls.TryGetValue((tenantId, fileId), out var url) ? url : null);
}

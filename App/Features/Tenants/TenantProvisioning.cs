using System.Text.RegularExpressions;

namespace App.Features.Tenants;

/// <summary>
/// The vendor's tenant operations, shared by the command line (<c>tenant create|list|rotate-key|disable</c>)
/// and the operator API (/api/system/tenants).
/// </summary>
public sealed partial class TenantProvisioning(Db db, TenantDirectory directory)
{
    public class TenantSummary
    {
        public string Id { get; init; } = "";
        public string Name { get; init; } = "";
        public string ApiKeyPrefix { get; init; } = "";
        public bool IsActive { get; init; }
        public string? FromNumber { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
    }

    public sealed record CreatedTenant(string Id, string Name, string ApiKey);

    internal const string SummaryColumns = "id, name, api_key_prefix, is_active, from_number, created_at, updated_at";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,62}$")]
    public static partial Regex IdPattern();

    public async Task<CreatedTenant> CreateAsync(string name, string? requestedId, TenantSettings? settings = null, CancellationToken cancellationToken = default)
    {
        name = name.Trim();
        if (name.Length is 0 or > 100) throw Invalid("name", "The name is required and at most 100 characters.");
        if (requestedId is not null && !IdPattern().IsMatch(requestedId))
            throw Invalid("id", "The id must be 2–63 lower-case letters, digits or dashes, starting with a letter or digit.");

        await using var connection = await db.OpenAsync(cancellationToken);
        var id = requestedId ?? await FreeIdAsync(connection, Slug(name));
        var (key, hash, prefix) = ApiKeys.Generate();
        var inserted = await connection.ExecuteAsync("""
            INSERT INTO tenants (id, name, api_key_hash, api_key_prefix, settings)
            VALUES (@id, @name, @hash, @prefix, @settings)
            ON CONFLICT (id) DO NOTHING
            """, new { id, name, hash, prefix, settings = (settings ?? new TenantSettings()).ToJson() });
        if (inserted == 0) throw new ApiException(409, ErrorCodes.Conflict, $"A tenant with id '{id}' already exists.");
        return new CreatedTenant(id, name, key);
    }

    public async Task<IReadOnlyList<TenantSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<TenantSummary>($"SELECT {SummaryColumns} FROM tenants ORDER BY id")).AsList();
    }

    public async Task<TenantSummary?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<TenantSummary>($"SELECT {SummaryColumns} FROM tenants WHERE id = @id", new { id });
    }

    public async Task<TenantSummary?> UpdateAsync(string id, string? name, bool? isActive, CancellationToken cancellationToken = default)
    {
        if (name is not null && name.Trim().Length is 0 or > 100) throw Invalid("name", "The name is required and at most 100 characters.");
        await using var connection = await db.OpenAsync(cancellationToken);
        var updated = await connection.QuerySingleOrDefaultAsync<TenantSummary>($"""
            UPDATE tenants SET name = COALESCE(@name, name), is_active = COALESCE(@isActive, is_active),
                               updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
            WHERE id = @id
            RETURNING {SummaryColumns}
            """, new { id, name = name?.Trim(), isActive });
        directory.Invalidate();
        return updated;
    }

    /// <summary>Replaces the key; the old one stops working at once.</summary>
    public async Task<CreatedTenant?> RotateKeyAsync(string id, CancellationToken cancellationToken = default)
    {
        var (key, hash, prefix) = ApiKeys.Generate();
        await using var connection = await db.OpenAsync(cancellationToken);
        var name = await connection.QuerySingleOrDefaultAsync<string?>("""
            UPDATE tenants SET api_key_hash = @hash, api_key_prefix = @prefix, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
            WHERE id = @id RETURNING name
            """, new { id, hash, prefix });
        directory.Invalidate();
        return name is null ? null : new CreatedTenant(id, name, key);
    }

    public Task<TenantSummary?> DisableAsync(string id, CancellationToken cancellationToken = default) =>
        UpdateAsync(id, name: null, isActive: false, cancellationToken);

    public async Task<bool> AnyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM tenants") > 0;
    }

    private static async Task<string> FreeIdAsync(Microsoft.Data.Sqlite.SqliteConnection connection, string slug)
    {
        var candidate = slug;
        for (var n = 2; await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM tenants WHERE id = @candidate", new { candidate }) > 0; n++)
            candidate = $"{slug}-{n}";
        return candidate;
    }

    private static string Slug(string name)
    {
        var slug = NonSlug().Replace(name.ToLowerInvariant().Normalize(System.Text.NormalizationForm.FormD), "-").Trim('-');
        slug = slug.Length > 40 ? slug[..40].Trim('-') : slug;
        return slug.Length >= 2 ? slug : "tenant";
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonSlug();

    private static ApiException Invalid(string field, string message) =>
        new(400, ErrorCodes.ValidationError, message, new Dictionary<string, string[]> { [field] = [message] });
}

public static class TenantsServices
{
    public static IServiceCollection AddTenants(this IServiceCollection services) => services.AddSingleton<TenantProvisioning>();
}

using App.Tests.Features.Ops;
using App.Tests.Support;
using Dapper;
using Microsoft.Data.Sqlite;

namespace App.Tests.Features.Audit;

/// <summary>Audit and error logs keep Retention:AuditDays / Retention:ErrorDays; older rows go in the background.</summary>
public sealed class LogRetentionTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "switchboard-retention", Guid.NewGuid().ToString("N"));

    private static string DaysAgo(int days) => DateTimeOffset.UtcNow.AddDays(-days).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");

    [Fact]
    public async Task Rows_past_retention_are_pruned_in_small_batches_and_younger_rows_stay()
    {
        await using var server = new ServerOn(_dataDirectory, new()
        {
            ["Retention:AuditDays"] = "30",
            ["Retention:ErrorDays"] = "7",
            ["Retention:Every"] = "00:00:00.200",
            ["Retention:BatchSize"] = "3",
        });
        var tenant = await server.CreateTenantAsync(id: "kept");
        await using (var connection = await server.Db.OpenAsync())
        {
            // Oldest first, as the app writes them: ten past retention, then two inside it.
            foreach (var days in new[] { 400, 300, 200, 100, 90, 80, 70, 60, 50, 31, 29, 1 })
            {
                await connection.ExecuteAsync("""
                    INSERT INTO audit_log (tenant_id, occurred_at, actor_type, method, action, outcome, status_code)
                    VALUES (@Id, @At, 'api_key', 'POST', @Action, 'success', 200)
                    """, new { tenant.Id, At = DaysAgo(days), Action = $"test.{days}" });
            }

            foreach (var days in new[] { 30, 20, 10, 8, 6, 1 })
                await connection.ExecuteAsync("""
                    INSERT INTO error_log (tenant_id, error_type, error_message, created_at) VALUES (@Id, 'api', @Message, @At)
                    """, new { tenant.Id, At = DaysAgo(days), Message = $"error {days}" });
        }

        using var client = tenant.Client();
        var audit = await Eventually.GetAsync(async () => (await (await client.GetAsync("/api/audit?per_page=100")).ShouldBeSuccessAsync())
                .EnumerateArray().Select(e => e.GetProperty("action").GetString()!).Where(a => a.StartsWith("test.", StringComparison.Ordinal)).ToList(),
            actions => actions.Count == 2, what: "old audit rows to be pruned");
        audit.ShouldBe(["test.1", "test.29"], ignoreOrder: true);

        var errors = await Eventually.GetAsync(async () => (await (await client.GetAsync("/api/errors?per_page=100")).ShouldBeSuccessAsync())
                .EnumerateArray().Select(e => e.GetProperty("error_message").GetString()!).ToList(),
            messages => messages.Count == 2, what: "old error rows to be pruned");
        errors.ShouldBe(["error 6", "error 1"], ignoreOrder: true);
    }

    [Fact]
    public async Task The_database_still_refuses_to_delete_audit_rows_inside_retention()
    {
        await using var server = new ServerOn(_dataDirectory, new() { ["Retention:AuditDays"] = "30", ["Retention:Every"] = "00:00:00.200" });
        var tenant = await server.CreateTenantAsync(id: "guarded");
        await (await tenant.Client().PutJsonAsync("/api/tenant/profile", new { name = "Guarded Dental" })).ShouldBeSuccessAsync();

        await using var connection = await server.Db.OpenAsync();
        await Eventually.GetAsync(() => connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM retention_policy WHERE table_name = 'audit_log' AND keep_days = 30"),
            count => count == 1, what: "the retention period to be recorded");
        var refused = await Should.ThrowAsync<SqliteException>(() => connection.ExecuteAsync("DELETE FROM audit_log WHERE tenant_id = @Id", new { tenant.Id }));
        refused.Message.ShouldContain("kept for the retention period");
        (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE tenant_id = @Id", new { tenant.Id })).ShouldBeGreaterThan(0);
        await Should.ThrowAsync<SqliteException>(() => connection.ExecuteAsync("UPDATE audit_log SET outcome = 'x' WHERE tenant_id = @Id", new { tenant.Id }));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dataDirectory, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}

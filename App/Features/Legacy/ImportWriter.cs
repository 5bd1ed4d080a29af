using App.Features.Auth;
using App.Features.Files;
using App.Infrastructure.Security;
using Microsoft.Data.Sqlite;

namespace App.Features.Legacy;

/// <summary>
/// Writes a plan: the audio bytes first, under new names no row points at yet, then the tenant and every row in one
/// transaction. When the transaction does not commit, the copied files are removed again; when it does, the files the
/// new bytes replaced are.
/// </summary>
internal static class ImportWriter
{
    public static async Task WriteAsync(ImportRun run, FileStorage storage, SecretProtector secrets, Passwords passwords, CancellationToken ct)
    {
        var (connection, plan, tenantId) = (run.Connection, run.Plan, run.TenantId);
        foreach (var change in plan.Changes.Where(c => c.PasswordToHash is not null))
        {
            var hash = change.PasswordToHash!.Length == 0 ? "!no-password" : LegacyPasswords.Adopt(change.PasswordToHash, passwords.WorkFactor);
            change.Values["password_hash"] = hash;
            change.Values["legacy_password_hash"] = hash;
        }

        var written = new List<string>();
        var replaced = new List<string>();
        try
        {
            // The bytes first, under new names no row points at yet: if the rows do not commit, they are removed below.
            foreach (var change in plan.Changes.Where(c => c.Table == LegacyTables.VoiceFile && c.Values.ContainsKey("file_path") && c.SourceFile is not null))
            {
                var storedName = FileStorage.NewStoredName(change.Format!);
                var target = Path.Combine(storage.TenantDirectory(tenantId), storedName);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                written.Add(target);
                await using (var input = File.OpenRead(change.SourceFile!))
                await using (var output = new FileStream(target, PrivateFiles.CreateNew()))
                {
                    await input.CopyToAsync(output, ct);
                    output.Flush(flushToDisk: true);
                }

                change.Values["file_path"] = FileStorage.RelativePath(tenantId, storedName);
            }

            using (var transaction = connection.BeginTransaction(deferred: false))
            {
                await WriteTenantAsync(connection, transaction, tenantId, plan, run.Report, secrets);
                foreach (var change in plan.Changes.Where(c => c.Table == LegacyTables.VoiceFile))
                {
                    if (change.ExistingId is { } fileId && change.Values.ContainsKey("file_path"))
                        replaced.AddRange(await connection.QueryAsync<string>("SELECT file_path FROM voice_files WHERE id = @fileId", new { fileId }, transaction));
                    await UpsertAsync(connection, transaction, "voice_files", change);
                }

                foreach (var change in plan.Changes.Where(c => c.Table == LegacyTables.Users)) await UpsertAsync(connection, transaction, "users", change);
                foreach (var change in plan.Changes.Where(c => c.Table == LegacyTables.Voice))
                    plan.VoiceIds[change.LegacyId] = await UpsertAsync(connection, transaction, "voice_messages", ImportVoices.Columns(change.Values), change);
                foreach (var change in plan.Changes.Where(c => c.Table == LegacyTables.VoiceXml))
                {
                    change.Values["voice_message_id"] = change.LegacyVoiceId is { } v && plan.VoiceIds.TryGetValue(v, out var messageId) ? messageId : null;
                    if (change.ExistingXmlId is null) change.Values["id"] = SignedTokens.NewId();
                    await UpsertAsync(connection, transaction, "voice_xml", change, textId: change.ExistingXmlId);
                }

                var indexedThrough = await connection.ExecuteScalarAsync<long>(
                    "SELECT COALESCE((SELECT indexed_through FROM communication_log_search_state WHERE id = 1), 0)", transaction: transaction);
                foreach (var change in plan.Changes.Where(c => c.Table == LegacyTables.CallLog))
                {
                    change.Values["voice_message_id"] = change.LegacyVoiceId is { } v && plan.VoiceIds.TryGetValue(v, out var voiceMessageId) ? voiceMessageId : null;
                    var reindex = change.ExistingId is { } existing && existing <= indexedThrough;
                    var indexed = reindex ? await IndexedTextAsync(connection, transaction, change.ExistingId!.Value) : default;
                    var logId = await UpsertAsync(connection, transaction, "communication_log", change);
                    if (reindex) await ReindexAsync(connection, transaction, logId, indexed, change.Values);
                }

                transaction.Commit();
            }
        }
        catch
        {
            foreach (var path in written.Where(File.Exists)) File.Delete(path);
            throw;
        }

        foreach (var path in replaced) storage.Delete(path);
    }

    private static async Task WriteTenantAsync(SqliteConnection connection, SqliteTransaction transaction, string tenantId, ImportPlan plan,
        ImportReport report, SecretProtector secrets)
    {
        if (plan.CreateTenant)
        {
            var (key, hash, prefix) = ApiKeys.Generate();
            await connection.ExecuteAsync("""
                INSERT INTO tenants (id, name, api_key_hash, api_key_prefix, settings) VALUES (@tenantId, @name, @hash, @prefix, @settings)
                """, new { tenantId, name = plan.TenantName, hash, prefix, settings = plan.Settings.ToJson() }, transaction);
            report.Tenant.ApiKey = key;
        }

        if (!plan.UpdateTenantSettings) return;
        await connection.ExecuteAsync("""
            UPDATE tenants SET
                twilio_sid = COALESCE(@sid, twilio_sid),
                twilio_token_encrypted = CASE WHEN @tokenChanged THEN @token ELSE twilio_token_encrypted END,
                from_number = COALESCE(@from, from_number),
                legacy_site_origin = COALESCE(@origin, legacy_site_origin),
                legacy_site_host = COALESCE(@host, legacy_site_host),
                updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
            WHERE id = @tenantId
            """, new
        {
            tenantId,
            sid = plan.TwilioSid,
            tokenChanged = plan.TokenChanged,
            token = plan.TokenChanged ? secrets.Protect(plan.TwilioToken) : null,
            from = plan.FromNumber,
            origin = plan.SiteOrigin,
            host = plan.SiteHost,
        }, transaction);
    }

    private static Task<long> UpsertAsync(SqliteConnection connection, SqliteTransaction transaction, string table, RowChange change, string? textId = null) =>
        UpsertAsync(connection, transaction, table, change.Values, change, textId);

    /// <summary>Inserts the migrated row or updates the one an earlier run made; column names come from the import's own code only.</summary>
    private static async Task<long> UpsertAsync(SqliteConnection connection, SqliteTransaction transaction, string table,
        Dictionary<string, object?> columns, RowChange change, string? textId = null)
    {
        var values = new Dictionary<string, object?>(columns) { ["legacy_id"] = change.LegacyId, ["legacy_fingerprint"] = change.Fingerprint };
        var parameters = new DynamicParameters();
        foreach (var (name, value) in values) parameters.Add(name, value);

        if (change.ExistingId is null && textId is null)
        {
            var names = string.Join(", ", values.Keys);
            var placeholders = string.Join(", ", values.Keys.Select(k => "@" + k));
            var returning = table == "voice_xml" ? "0" : "id";
            return await connection.ExecuteScalarAsync<long>($"INSERT INTO {table} ({names}) VALUES ({placeholders}) RETURNING {returning}", parameters, transaction);
        }

        // An update keeps what the import does not own: ids, and (for users) the session unless the password changed.
        var assignments = string.Join(", ", values.Keys.Where(k => k is not ("tenant_id" or "id")).Select(k => k == "last_login_at"
            ? "last_login_at = NULLIF(MAX(COALESCE(last_login_at, ''), COALESCE(@last_login_at, '')), '')"
            : $"{k} = @{k}"));
        parameters.Add("existing_id", (object?)textId ?? change.ExistingId);
        await connection.ExecuteAsync($"UPDATE {table} SET {assignments} WHERE id = @existing_id", parameters, transaction);
        return change.ExistingId ?? 0;
    }

    /// <summary>The text the search index holds for a history row: the row's, as it is before the update.</summary>
    private static Task<(string? Message, string To, string From)> IndexedTextAsync(SqliteConnection connection, SqliteTransaction transaction, long logId) =>
        connection.QuerySingleAsync<(string? Message, string To, string From)>(
            "SELECT message_content, COALESCE(to_number, ''), COALESCE(from_number, '') FROM communication_log WHERE id = @logId", new { logId }, transaction);

    /// <summary>History rows the search index already holds: swap their old text for the new (the index is not kept by triggers).</summary>
    private static async Task ReindexAsync(SqliteConnection connection, SqliteTransaction transaction, long logId,
        (string? Message, string To, string From) old, Dictionary<string, object?> values)
    {
        await connection.ExecuteAsync("""
            INSERT INTO communication_log_search (communication_log_search, rowid, message_content, to_number, from_number)
            VALUES ('delete', @logId, @message, @to, @from)
            """, new { logId, message = old.Message, to = old.To, from = old.From }, transaction);
        await connection.ExecuteAsync("""
            INSERT INTO communication_log_search (rowid, message_content, to_number, from_number) VALUES (@logId, @message, @to, @from)
            """, new { logId, message = values["message_content"], to = values["to_number"], from = values["from_number"] }, transaction);
    }
}

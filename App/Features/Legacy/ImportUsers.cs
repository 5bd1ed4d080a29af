using App.Features.Auth;
using App.Features.Users;

namespace App.Features.Legacy;

/// <summary>
/// Users → users: plain-text passwords become bcrypt hashes (never stored or printed as they were); an account whose
/// password breaks today's policy signs in once more and must then choose a new one.
/// </summary>
internal static class ImportUsers
{
    private const string Table = LegacyTables.Users;

    /// <summary>Who the legacy application's non-administrators become: everything but users and settings.</summary>
    public static readonly IReadOnlyList<string> LegacyUserPermissions =
        [Permissions.SendSms, Permissions.SendVoice, Permissions.ManageVoiceMessages, Permissions.ManageFiles, Permissions.ViewLogs];

    /// <param name="hashPasswords">False on a dry run: the plan notes which passwords change, without paying for bcrypt.</param>
    public static async Task PlanAsync(ImportRun run, Passwords passwords, bool hashPasswords)
    {
        var (report, clock, tenantId) = (run.Report, run.Clock, run.TenantId);
        var counts = report.For(Table);
        var existing = await run.MigratedAsync("SELECT id, legacy_id, legacy_fingerprint, password_hash, legacy_password_hash FROM users");
        var others = await run.Connection.QueryAsync<string>("SELECT username FROM users WHERE tenant_id = @tenantId AND legacy_id IS NULL", new { tenantId });
        var taken = new HashSet<string>(others.Select(ImportRun.NoCase), StringComparer.Ordinal);

        var rows = run.Source.Rows(Table);
        counts.Read = rows.Count;
        var kept = OnePerSignInName(run, rows);
        foreach (var row in rows)
        {
            var id = row.Number("UserID");
            if (id is null || row.Text("UserName") is null)
            {
                run.Skip(Table, id, "no_username", "The row has no UserID or UserName; it was skipped.");
                continue;
            }

            if (!kept.Contains(row)) continue;
            var username = row.Text("UserName")!.Trim();
            if (taken.Contains(ImportRun.NoCase(username)))
            {
                run.Skip(Table, id, "username_taken", $"The tenant already has a user '{username}' that was not imported; this one was skipped.");
                continue;
            }

            var isAdmin = row.Bool("IsAdmin", false);
            var values = new Dictionary<string, object?>
            {
                ["tenant_id"] = tenantId,
                ["username"] = username,
                ["display_name"] = row.Text("DisplayName") ?? username,
                ["email"] = row.Text("Email")?.Trim(),
                ["permissions"] = UserRules.PermissionsJson(LegacyUserPermissions, isAdmin),
                ["is_admin"] = isAdmin,
                ["is_active"] = row.Bool("IsActive", true),
                ["last_login_at"] = clock.Utc(row, "LastLogin", id),
                ["created_at"] = clock.Utc(row, "Created", id),
            };
            values["updated_at"] = values["created_at"];

            var password = row.Text("Password");
            var previous = existing.GetValueOrDefault(id.Value);
            // The fingerprint never sees the password: a fast hash of it would be a crackable copy.
            var fingerprint = ImportRun.Fingerprint(values);
            var passwordChanged = password is not null && previous is not null && previous.PasswordHash == previous.LegacyPasswordHash
                                  && !passwords.Verify(password, previous.PasswordHash);
            if (previous is not null && previous.LegacyFingerprint == fingerprint && !passwordChanged)
            {
                counts.Unchanged++;
                continue;
            }

            if (password is null)
                report.Add(Table, id, "no_password", $"'{username}' has no password: the account cannot sign in until an administrator sets one.");
            var policyProblem = password is null ? null : Passwords.PolicyProblem(password, username);
            var mustChange = password is null || policyProblem is not null;
            if (policyProblem is not null && (previous is null || passwordChanged))
                report.Add(Table, id, "password_must_change", $"The password of '{username}' breaks today's policy ({policyProblem.TrimEnd('.')}): " +
                                                              "it works for one more sign-in, then a new one must be chosen.");
            if (previous is null || passwordChanged)
            {
                values["must_change_password"] = mustChange;
                values["session_stamp"] = UserRules.NewSessionStamp();
            }

            run.Plan.Changes.Add(new RowChange(Table, id.Value, values, fingerprint, previous?.Id)
            {
                PasswordToHash = previous is null || passwordChanged ? (hashPasswords ? password ?? "" : null) : null,
            });
            if (previous is null) counts.Imported++;
            else counts.Updated++;
        }
    }

    /// <summary>
    /// Sign-in finds a user by name with SQLite's NOCASE (ASCII letters only): names equal that way cannot both sign in.
    /// Of each such group the active, most recently used one is kept; the others are skipped and reported.
    /// </summary>
    private static HashSet<LegacyRow> OnePerSignInName(ImportRun run, IReadOnlyList<LegacyRow> rows)
    {
        var kept = new HashSet<LegacyRow>();
        foreach (var group in rows.Where(r => r.Number("UserID") is not null && r.Text("UserName") is not null)
                     .GroupBy(r => ImportRun.NoCase(r.Text("UserName")!.Trim())))
        {
            var ordered = group.OrderByDescending(r => r.Bool("IsActive", true)).ThenByDescending(r => r.LocalTime("LastLogin") ?? DateTime.MinValue)
                .ThenBy(r => r.Number("UserID")).ToList();
            kept.Add(ordered[0]);
            foreach (var loser in ordered.Skip(1))
                run.Skip(Table, loser.Number("UserID"), "duplicate_username",
                    $"'{loser.Text("UserName")}' differs from user #{ordered[0].Number("UserID")} '{ordered[0].Text("UserName")}' only in case, and sign-in " +
                    "cannot tell them apart; only the active / most recently used one was imported.");
        }

        return kept;
    }
}

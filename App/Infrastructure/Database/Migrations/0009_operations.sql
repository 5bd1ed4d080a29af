-- Operations on one machine: changes seen across processes, a sign-in throttle that survives restarts, and log retention.

-- Counters bumped by triggers whenever what the server caches changes, whoever writes: this process, the command
-- line (tenant rotate-key, tenant disable), an import. The server compares them with what it last saw on each
-- request and drops its caches when they moved, so a change from another process bites at the next request.
CREATE TABLE change_counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO change_counters (name) VALUES ('tenants'), ('voice_messages');

CREATE TRIGGER tenants_changed_on_insert AFTER INSERT ON tenants
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'tenants'; END;
CREATE TRIGGER tenants_changed_on_update AFTER UPDATE ON tenants
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'tenants'; END;
CREATE TRIGGER tenants_changed_on_delete AFTER DELETE ON tenants
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'tenants'; END;

CREATE TRIGGER voice_messages_changed_on_insert AFTER INSERT ON voice_messages
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'voice_messages'; END;
CREATE TRIGGER voice_messages_changed_on_update AFTER UPDATE ON voice_messages
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'voice_messages'; END;
CREATE TRIGGER voice_messages_changed_on_delete AFTER DELETE ON voice_messages
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'voice_messages'; END;
-- Voice message lists show the library file they play.
CREATE TRIGGER voice_files_changed_on_update AFTER UPDATE ON voice_files
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'voice_messages'; END;
CREATE TRIGGER voice_files_changed_on_delete AFTER DELETE ON voice_files
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'voice_messages'; END;

-- Failed sign-ins inside the throttle window. throttle_key is a SHA-256 of "user:tenant/username" or "ip:address",
-- so a password typed into the username field is never stored. Rows older than the window are deleted.
CREATE TABLE login_failures (
    throttle_key TEXT NOT NULL,
    failed_at    TEXT NOT NULL
);
CREATE INDEX idx_login_failures_key ON login_failures(throttle_key, failed_at);
CREATE INDEX idx_login_failures_time ON login_failures(failed_at);

-- How long each log keeps its rows; the server writes its Retention: settings here at start.
CREATE TABLE retention_policy (
    table_name TEXT PRIMARY KEY,
    keep_days  INTEGER NOT NULL CHECK (keep_days >= 1)
) WITHOUT ROWID;

-- The audit trail stays append-only with one exception: rows older than the retention period may be deleted. A
-- delete of anything younger (or any delete while no period is recorded) is refused by the database itself.
DROP TRIGGER audit_log_no_delete;
CREATE TRIGGER audit_log_delete_only_past_retention BEFORE DELETE ON audit_log
WHEN NOT EXISTS (
    SELECT 1 FROM retention_policy
    WHERE table_name = 'audit_log'
      AND OLD.occurred_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', printf('-%d days', keep_days)))
BEGIN
    SELECT RAISE(ABORT, 'audit_log rows are kept for the retention period');
END;

-- People and accountability: user sessions that can be revoked, and the append-only audit trail.

-- Every session token carries the user's stamp; a new stamp (deactivation, password reset) ends all their sessions.
ALTER TABLE users ADD COLUMN session_stamp TEXT NOT NULL DEFAULT '';
UPDATE users SET session_stamp = lower(hex(randomblob(16))) WHERE session_stamp = '';

-- Tokens signed out before they expire (user sessions and embed tokens); rows are purged once past expires_at.
CREATE TABLE revoked_tokens (
    token_id   TEXT PRIMARY KEY,
    expires_at TEXT NOT NULL
);
CREATE INDEX idx_revoked_tokens_expiry ON revoked_tokens(expires_at);

-- One row per state-changing /api request, successful or not. tenant_id is deliberately not a foreign key: a failed
-- sign-in or an operator call may name a tenant that does not exist, and the trail must outlive what it describes.
-- changes holds {field: {from, to}} for updates; secret fields appear only as "(changed)". Request bodies are never kept.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id   TEXT,
    occurred_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    actor_type  TEXT NOT NULL,
    actor       TEXT,
    user_id     INTEGER,
    client_id   TEXT,
    ip_address  TEXT,
    user_agent  TEXT,
    method      TEXT NOT NULL,
    route       TEXT,
    action      TEXT NOT NULL,
    entity_type TEXT,
    entity_id   TEXT,
    outcome     TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    changes     TEXT
);
CREATE INDEX idx_audit_log_tenant_date ON audit_log(tenant_id, occurred_at DESC, id DESC);
CREATE INDEX idx_audit_log_tenant_entity ON audit_log(tenant_id, entity_type, entity_id);
CREATE INDEX idx_audit_log_tenant_action ON audit_log(tenant_id, action);

-- Append-only: nothing in the app updates or deletes audit rows, and the database refuses it too.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

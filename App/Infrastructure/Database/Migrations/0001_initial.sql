-- The product's tables (see docs/decisions.md, "Security"): API keys are stored as a SHA-256 hash plus a display prefix,
-- Twilio secrets are encrypted (Data Protection) before they reach this file, TwiML ids are unguessable text.
-- Timestamps are ISO-8601 UTC text ('2024-01-15T10:30:00.000Z'), so they sort and compare as strings.

CREATE TABLE tenants (
    id                       TEXT PRIMARY KEY,
    name                     TEXT NOT NULL,
    api_key_hash             TEXT NOT NULL UNIQUE,
    api_key_prefix           TEXT NOT NULL,
    twilio_sid               TEXT,
    twilio_token_encrypted   TEXT,
    twilio_api_key_sid       TEXT,
    twilio_api_secret_encrypted TEXT,
    from_number              TEXT,
    is_active                INTEGER NOT NULL DEFAULT 1,
    settings                 TEXT NOT NULL DEFAULT '{}',
    created_at               TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    updated_at               TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

CREATE TABLE voice_files (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id        TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    filename         TEXT NOT NULL,
    file_type        TEXT NOT NULL,
    content_type     TEXT NOT NULL DEFAULT 'application/octet-stream',
    file_path        TEXT NOT NULL,
    file_size        INTEGER NOT NULL DEFAULT 0,
    duration_seconds REAL,
    sha256           TEXT,
    description      TEXT,
    tag_list         TEXT,
    caller_number    TEXT,
    is_active        INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

CREATE TABLE voice_messages (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id      TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    voice_text     TEXT NOT NULL,
    voice          TEXT NOT NULL DEFAULT 'Polly.Joanna-Neural',
    language       TEXT NOT NULL DEFAULT 'en-US',
    voice_gender   TEXT DEFAULT 'woman',
    voice_age      INTEGER DEFAULT 25,
    voice_rate     TEXT DEFAULT 'medium',
    tropo_voice    TEXT,
    voice_type     TEXT DEFAULT 'message',
    voice_settings TEXT,
    voice_file_id  INTEGER REFERENCES voice_files(id) ON DELETE SET NULL,
    play_position  TEXT,
    is_active      INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

CREATE TABLE voice_xml (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    xml_content      TEXT NOT NULL,
    xml_filename     TEXT,
    voice_message_id INTEGER REFERENCES voice_messages(id) ON DELETE SET NULL,
    is_active        INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

CREATE TABLE communication_log (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id        TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    network_type     TEXT NOT NULL,
    direction        TEXT NOT NULL DEFAULT 'outbound',
    to_number        TEXT NOT NULL,
    from_number      TEXT NOT NULL,
    message_content  TEXT,
    twilio_sid       TEXT,
    status           TEXT,
    error_code       INTEGER,
    error_message    TEXT,
    xml_filename     TEXT,
    voice_message_id INTEGER,
    cost_amount      DECIMAL(10,4),
    cost_currency    TEXT,
    duration_seconds INTEGER,
    segments         INTEGER,
    encoding         TEXT,
    answered_by      TEXT,
    send_at          TEXT,
    sent_at          TEXT,
    created_by       TEXT,
    client_id        TEXT,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

CREATE TABLE error_log (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id      TEXT REFERENCES tenants(id) ON DELETE SET NULL,
    error_type     TEXT NOT NULL,
    error_message  TEXT NOT NULL,
    error_details  TEXT,
    endpoint       TEXT,
    user_agent     TEXT,
    ip_address     TEXT,
    correlation_id TEXT,
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id     TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    username      TEXT NOT NULL COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    email         TEXT,
    permissions   TEXT NOT NULL DEFAULT '[]',
    is_admin      INTEGER NOT NULL DEFAULT 0,
    is_active     INTEGER NOT NULL DEFAULT 1,
    last_login_at TEXT,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    UNIQUE (tenant_id, username)
);

CREATE UNIQUE INDEX idx_voice_messages_tenant_name ON voice_messages(tenant_id, name COLLATE NOCASE);
CREATE INDEX idx_voice_messages_tenant ON voice_messages(tenant_id, is_active);
CREATE INDEX idx_voice_xml_tenant ON voice_xml(tenant_id, is_active);
CREATE INDEX idx_voice_files_tenant ON voice_files(tenant_id, is_active);
CREATE INDEX idx_communication_log_tenant_date ON communication_log(tenant_id, created_at DESC, id DESC);
CREATE INDEX idx_communication_log_tenant_type_date ON communication_log(tenant_id, network_type, created_at DESC, id DESC);
CREATE INDEX idx_communication_log_tenant_status_date ON communication_log(tenant_id, status, created_at DESC, id DESC);
CREATE INDEX idx_communication_log_tenant_to ON communication_log(tenant_id, to_number, created_at DESC, id DESC);
CREATE INDEX idx_communication_log_tenant_direction ON communication_log(tenant_id, direction, created_at DESC, id DESC);
CREATE INDEX idx_communication_log_sid ON communication_log(twilio_sid) WHERE twilio_sid IS NOT NULL;
CREATE INDEX idx_error_log_tenant_date ON error_log(tenant_id, created_at DESC);

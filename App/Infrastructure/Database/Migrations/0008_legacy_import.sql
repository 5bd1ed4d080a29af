-- The legacy cutover: every row brought over from a legacy installation remembers its legacy id (so running the import
-- again updates instead of duplicating) and a fingerprint of the legacy values it was made from (so an unchanged legacy
-- row leaves the migrated one, and any edit made in Switchboard since, alone).

-- The legacy site's origin ('http://voice.example.com') and its host, which the compatibility routes
-- (/Twiml.aspx?id=N, /files/mp3/<name>) use to find the tenant once that host name points at Switchboard.
ALTER TABLE tenants ADD COLUMN legacy_site_origin TEXT;
ALTER TABLE tenants ADD COLUMN legacy_site_host TEXT;
CREATE UNIQUE INDEX idx_tenants_legacy_site_host ON tenants(legacy_site_host) WHERE legacy_site_host IS NOT NULL;

-- A password that breaks today's policy (every imported one may) is accepted once, and the account is asked to choose
-- a new one. legacy_password_hash is the hash the import stored: while password_hash still equals it, the user has not
-- chosen a password of their own and a changed legacy password may replace it.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN legacy_id INTEGER;
ALTER TABLE users ADD COLUMN legacy_fingerprint TEXT;
ALTER TABLE users ADD COLUMN legacy_password_hash TEXT;
CREATE UNIQUE INDEX idx_users_legacy ON users(tenant_id, legacy_id) WHERE legacy_id IS NOT NULL;

ALTER TABLE voice_messages ADD COLUMN legacy_id INTEGER;
ALTER TABLE voice_messages ADD COLUMN legacy_fingerprint TEXT;
CREATE UNIQUE INDEX idx_voice_messages_legacy ON voice_messages(tenant_id, legacy_id) WHERE legacy_id IS NOT NULL;

-- legacy_name is the file's name under the legacy /files/mp3/ folder, the name old TwiML and scripts still ask for.
ALTER TABLE voice_files ADD COLUMN legacy_id INTEGER;
ALTER TABLE voice_files ADD COLUMN legacy_fingerprint TEXT;
ALTER TABLE voice_files ADD COLUMN legacy_name TEXT;
CREATE UNIQUE INDEX idx_voice_files_legacy ON voice_files(tenant_id, legacy_id) WHERE legacy_id IS NOT NULL;
CREATE INDEX idx_voice_files_legacy_name ON voice_files(tenant_id, legacy_name) WHERE legacy_name IS NOT NULL;

ALTER TABLE voice_xml ADD COLUMN legacy_id INTEGER;
ALTER TABLE voice_xml ADD COLUMN legacy_fingerprint TEXT;
CREATE UNIQUE INDEX idx_voice_xml_legacy ON voice_xml(tenant_id, legacy_id) WHERE legacy_id IS NOT NULL;

-- Imported history: it was sent by the legacy application long ago, has no outbox entry and is never sent, refreshed
-- or reconciled again.
ALTER TABLE communication_log ADD COLUMN legacy_id INTEGER;
ALTER TABLE communication_log ADD COLUMN legacy_fingerprint TEXT;
CREATE UNIQUE INDEX idx_communication_log_legacy ON communication_log(tenant_id, legacy_id) WHERE legacy_id IS NOT NULL;

-- Twins: sends of one tenant that Twilio's own records cannot tell apart (SMS: same To, From and body; calls: same
-- To and From). The outbox hands one twin at a time to Twilio, so reconciling an uncertain create never mistakes a
-- twin's message for its own. Entries written before this migration have no key and are treated as having no twin.
ALTER TABLE outbox ADD COLUMN twin_key TEXT;
CREATE INDEX idx_outbox_twins ON outbox(twin_key, id) WHERE state IN ('pending', 'uncertain', 'in_flight') AND twin_key IS NOT NULL;

-- Migrations 0001, 0002 and 0006 were changed after databases had applied them. The statements below bring any such
-- database to what those files say now; on a database made from the current files they change nothing.

-- 0001: the to-number index gained the id tie-breaker, and a direction index was added.
DROP INDEX IF EXISTS idx_communication_log_tenant_to;
CREATE INDEX idx_communication_log_tenant_to ON communication_log(tenant_id, to_number, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS idx_communication_log_tenant_direction ON communication_log(tenant_id, direction, created_at DESC, id DESC);

-- 0002: the non-final index covers only rows Twilio knows, and a cost-less index was added.
DROP INDEX IF EXISTS idx_communication_log_nonfinal;
CREATE INDEX idx_communication_log_nonfinal ON communication_log(updated_at) WHERE status_rank < 4 AND twilio_sid IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_communication_log_costless ON communication_log(updated_at) WHERE cost_amount IS NULL AND twilio_sid IS NOT NULL AND status_rank >= 4;

-- 0006: the search index lost its SID column and its insert/update triggers (HistorySearchIndexer fills it in bulk
-- and records how far it got). Rebuilt here once, complete up to the last row, whichever version made it.
DROP TRIGGER IF EXISTS communication_log_search_insert;
DROP TRIGGER IF EXISTS communication_log_search_update;
DROP TRIGGER IF EXISTS communication_log_search_delete;
DROP TABLE IF EXISTS communication_log_search;
CREATE VIRTUAL TABLE communication_log_search USING fts5(
    message_content, to_number, from_number,
    content = 'communication_log', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO communication_log_search (communication_log_search) VALUES ('rebuild');

CREATE TABLE IF NOT EXISTS communication_log_search_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    indexed_through INTEGER NOT NULL
);
INSERT INTO communication_log_search_state (id, indexed_through) SELECT 1, COALESCE(MAX(id), 0) FROM communication_log WHERE true
ON CONFLICT (id) DO UPDATE SET indexed_through = excluded.indexed_through;

CREATE TRIGGER communication_log_search_delete AFTER DELETE ON communication_log
WHEN OLD.id <= (SELECT indexed_through FROM communication_log_search_state)
BEGIN
    INSERT INTO communication_log_search (communication_log_search, rowid, message_content, to_number, from_number)
    VALUES ('delete', OLD.id, OLD.message_content, OLD.to_number, OLD.from_number);
END;

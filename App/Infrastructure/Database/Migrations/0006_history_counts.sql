-- History at scale: exact totals without counting rows, and substring search through an index.

-- How many rows each tenant has per UTC day (of created_at), type, direction and status. GET /api/communication/history
-- sums these for total_items when it filters only by type, direction, status and dates. A NULL status counts as ''.
-- Rows that drop to n = 0 stay: a status moving queued -> sent -> delivered would otherwise delete and re-create them.
CREATE TABLE communication_log_counts (
    tenant_id    TEXT NOT NULL,
    day          TEXT NOT NULL,
    network_type TEXT NOT NULL,
    direction    TEXT NOT NULL,
    status       TEXT NOT NULL,
    n            INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, day, network_type, direction, status)
) WITHOUT ROWID;

INSERT INTO communication_log_counts (tenant_id, day, network_type, direction, status, n)
SELECT tenant_id, substr(created_at, 1, 10), network_type, direction, COALESCE(status, ''), COUNT(*)
FROM communication_log
GROUP BY 1, 2, 3, 4, 5;

CREATE TRIGGER communication_log_counts_insert AFTER INSERT ON communication_log
BEGIN
    INSERT INTO communication_log_counts (tenant_id, day, network_type, direction, status, n)
    VALUES (NEW.tenant_id, substr(NEW.created_at, 1, 10), NEW.network_type, NEW.direction, COALESCE(NEW.status, ''), 1)
    ON CONFLICT (tenant_id, day, network_type, direction, status) DO UPDATE SET n = n + 1;
END;

-- UPDATE OF lists only the counted columns, and WHEN skips the many updates that set them to what they were
-- (every status callback sets status, most change nothing else).
CREATE TRIGGER communication_log_counts_update
AFTER UPDATE OF tenant_id, created_at, network_type, direction, status ON communication_log
WHEN OLD.status IS NOT NEW.status OR OLD.network_type IS NOT NEW.network_type OR OLD.direction IS NOT NEW.direction
    OR OLD.tenant_id IS NOT NEW.tenant_id OR substr(OLD.created_at, 1, 10) IS NOT substr(NEW.created_at, 1, 10)
BEGIN
    UPDATE communication_log_counts SET n = n - 1
    WHERE tenant_id = OLD.tenant_id AND day = substr(OLD.created_at, 1, 10) AND network_type = OLD.network_type
      AND direction = OLD.direction AND status = COALESCE(OLD.status, '');
    INSERT INTO communication_log_counts (tenant_id, day, network_type, direction, status, n)
    VALUES (NEW.tenant_id, substr(NEW.created_at, 1, 10), NEW.network_type, NEW.direction, COALESCE(NEW.status, ''), 1)
    ON CONFLICT (tenant_id, day, network_type, direction, status) DO UPDATE SET n = n + 1;
END;

-- Also fires for the rows a tenant's deletion removes (ON DELETE CASCADE).
CREATE TRIGGER communication_log_counts_delete AFTER DELETE ON communication_log
BEGIN
    UPDATE communication_log_counts SET n = n - 1
    WHERE tenant_id = OLD.tenant_id AND day = substr(OLD.created_at, 1, 10) AND network_type = OLD.network_type
      AND direction = OLD.direction AND status = COALESCE(OLD.status, '');
END;

-- Free text (q=) and number fragments (to=5550042): the trigram tokenizer indexes every 3-character sequence, so
-- MATCH finds substrings of 3 or more characters anywhere, case-insensitively. External content: the text stays only
-- in communication_log. None of these columns changes after the row is written.
-- Not kept by triggers: FTS5 flushes its pending terms at every statement savepoint, so a trigger would write a tiny
-- index segment (and merge segments) for every single send. HistorySearchIndexer adds new rows in bulk instead, about
-- four times a second, and records how far it got; searches check the rows after that mark directly.
CREATE VIRTUAL TABLE communication_log_search USING fts5(
    message_content, to_number, from_number,
    content = 'communication_log', content_rowid = 'id', tokenize = 'trigram'
);

CREATE TABLE communication_log_search_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    indexed_through INTEGER NOT NULL
);

INSERT INTO communication_log_search (communication_log_search) VALUES ('rebuild');
INSERT INTO communication_log_search_state (id, indexed_through) SELECT 1, COALESCE(MAX(id), 0) FROM communication_log;

-- Also fires for the rows a tenant's deletion removes (ON DELETE CASCADE). Rows past the mark are not in the index.
CREATE TRIGGER communication_log_search_delete AFTER DELETE ON communication_log
WHEN OLD.id <= (SELECT indexed_through FROM communication_log_search_state)
BEGIN
    INSERT INTO communication_log_search (communication_log_search, rowid, message_content, to_number, from_number)
    VALUES ('delete', OLD.id, OLD.message_content, OLD.to_number, OLD.from_number);
END;

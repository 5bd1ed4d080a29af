-- Campaigns: one message (an SMS template or a voice message) sent to every row of an uploaded spreadsheet.

-- state: checking (the upload is being read; never shown) | draft (checked, nothing sent) | running (rows are being
-- handed to the outbox) | completed (every valid row went through the outbox) | cancelled
CREATE TABLE campaigns (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id        TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    channel          TEXT NOT NULL,
    message          TEXT,
    voice_message_id INTEGER,
    from_number      TEXT NOT NULL,
    send_at          TEXT,
    state            TEXT NOT NULL DEFAULT 'checking',
    file_name        TEXT,
    separator        TEXT,
    columns          TEXT NOT NULL DEFAULT '[]',
    rows_total       INTEGER NOT NULL DEFAULT 0,
    rows_valid       INTEGER NOT NULL DEFAULT 0,
    segments_total   INTEGER NOT NULL DEFAULT 0,
    estimated_cost   REAL,
    created_by       TEXT,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    started_at       TEXT,
    completed_at     TEXT,
    cancelled_at     TEXT,
    updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX idx_campaigns_tenant ON campaigns(tenant_id, id DESC);
CREATE INDEX idx_campaigns_running ON campaigns(started_at) WHERE state = 'running';

-- One row of the spreadsheet. row_number is its line in the file (the header is line 1). problem_code is set when the
-- check refused the row (invalid_number, duplicate, opted_out, missing_variable, too_long) and such a row is never sent.
-- log_id is set in the same transaction that writes the row's communication_log row and outbox entry: a row with a
-- log_id has been queued, once, whatever happens to the process. skipped says why a valid row was not queued after all
-- (opted_out: the number replied STOP after the check).
CREATE TABLE campaign_rows (
    campaign_id  INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    row_number   INTEGER NOT NULL,
    to_input     TEXT NOT NULL,
    to_number    TEXT,
    variables    TEXT NOT NULL DEFAULT '{}',
    problem_code TEXT,
    problem      TEXT,
    segments     INTEGER,
    log_id       INTEGER REFERENCES communication_log(id) ON DELETE SET NULL,
    skipped      TEXT,
    PRIMARY KEY (campaign_id, row_number)
) WITHOUT ROWID;
CREATE UNIQUE INDEX idx_campaign_rows_log ON campaign_rows(log_id) WHERE log_id IS NOT NULL;
-- The rows still to be queued, in file order.
CREATE INDEX idx_campaign_rows_waiting ON campaign_rows(campaign_id, row_number)
    WHERE problem_code IS NULL AND log_id IS NULL AND skipped IS NULL;

-- The outbox hands one-off sends (priority 0) to Twilio before campaign rows (priority 1), so a campaign never holds up
-- the message a receptionist just sent.
ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
CREATE INDEX idx_outbox_due_by_priority ON outbox(priority, due_at) WHERE state IN ('pending', 'uncertain', 'in_flight');

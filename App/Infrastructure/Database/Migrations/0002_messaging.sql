-- Messaging core: the durable outbox, idempotent sends, the per-tenant opt-out list and each row's status history.

-- Statuses only move forward; the rank makes "forward" a comparison (see docs/twilio.md, "Statuses").
ALTER TABLE communication_log ADD COLUMN status_rank INTEGER NOT NULL DEFAULT 0;
ALTER TABLE communication_log ADD COLUMN variables TEXT;

-- One entry per accepted send, written in the same transaction as its communication_log row.
-- state: pending (due to be sent) | in_flight (a worker holds it until locked_until) | uncertain (Twilio may have
-- created it: reconcile before any resend) | done | failed
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id    TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    log_id       INTEGER NOT NULL UNIQUE REFERENCES communication_log(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending',
    due_at       TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    last_error   TEXT,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX idx_outbox_due ON outbox(due_at) WHERE state IN ('pending', 'uncertain', 'in_flight');

-- A repeated request with the same Idempotency-Key returns the first answer (kept at least 24 h).
CREATE TABLE idempotency_keys (
    tenant_id     TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    key           TEXT NOT NULL,
    endpoint      TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status_code   INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    PRIMARY KEY (tenant_id, key)
);
CREATE INDEX idx_idempotency_created ON idempotency_keys(created_at);

-- Recipients who texted STOP (or another opt-out keyword) to the tenant; START removes them.
CREATE TABLE opt_outs (
    tenant_id    TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    phone_number TEXT NOT NULL,
    keyword      TEXT,
    opted_out_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    PRIMARY KEY (tenant_id, phone_number)
);

-- Every status a row went through, from the API, Twilio callbacks or reconciliation (the UI's timeline).
-- dedupe_key makes a repeated callback change nothing.
CREATE TABLE status_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    log_id      INTEGER NOT NULL REFERENCES communication_log(id) ON DELETE CASCADE,
    status      TEXT NOT NULL,
    error_code  INTEGER,
    source      TEXT NOT NULL,
    dedupe_key  TEXT NOT NULL UNIQUE,
    occurred_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX idx_status_events_log ON status_events(log_id, id);

CREATE UNIQUE INDEX idx_communication_log_tenant_sid ON communication_log(tenant_id, twilio_sid) WHERE twilio_sid IS NOT NULL;
CREATE INDEX idx_communication_log_nonfinal ON communication_log(updated_at) WHERE status_rank < 4 AND twilio_sid IS NOT NULL;
-- Finished rows still waiting for Twilio's price (callbacks carry none).
CREATE INDEX idx_communication_log_costless ON communication_log(updated_at) WHERE cost_amount IS NULL AND twilio_sid IS NOT NULL AND status_rank >= 4;

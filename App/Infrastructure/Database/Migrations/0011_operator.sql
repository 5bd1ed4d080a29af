-- Spend caps: what each tenant has spent this month, kept by triggers so that a send's cap check is one primary-key read
-- and the operator's overview sums nothing row by row.
--
-- Per tenant and UTC month (of created_at), the facts a spend is made of. App prices the unpriced ones with its
-- configured estimates (Operator:SmsSegmentEstimateUsd, CallMinuteEstimateUsd, CallEstimateMinutes), so changing an
-- estimate needs no rebuild:
--   priced_micro_usd       Twilio's prices as they arrived (cost_amount), in millionths of a dollar, any direction;
--   unpriced_sms_segments  segments of outbound SMS whose price has not arrived yet;
--   unpriced_calls         outbound calls without a price whose length is not known yet (queued, ringing, in progress);
--   unpriced_call_minutes  started minutes of completed outbound calls whose price has not arrived yet.
-- Sends that cost nothing (failed, canceled, busy, no-answer) and imported legacy history without a price count zero.
-- Inbound rows count only once they carry a price: Twilio is never asked for one, so they are not estimated.
CREATE TABLE tenant_monthly_spend (
    tenant_id             TEXT NOT NULL,
    month                 TEXT NOT NULL,
    priced_micro_usd      INTEGER NOT NULL DEFAULT 0,
    unpriced_sms_segments INTEGER NOT NULL DEFAULT 0,
    unpriced_calls        INTEGER NOT NULL DEFAULT 0,
    unpriced_call_minutes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, month)
) WITHOUT ROWID;

-- One home for the rule: a row of communication_log inserted here (with sign 1 to add it, -1 to take it away) moves
-- the counters by what it counts for. The view has no rows; its INSTEAD OF trigger does the counting. Status is
-- compared with = rather than IN (...): inside a trigger, an IN list of four statuses built a temporary table at every
-- firing, and each insert did file I/O (100,000 inserts: 70 s instead of 1.5 s).
CREATE VIEW tenant_monthly_spend_change AS
SELECT tenant_id, created_at, direction, network_type, status, cost_amount, segments, duration_seconds, legacy_id, 0 AS sign FROM communication_log WHERE 0;

CREATE TRIGGER tenant_monthly_spend_change_apply INSTEAD OF INSERT ON tenant_monthly_spend_change
BEGIN
    INSERT INTO tenant_monthly_spend (tenant_id, month, priced_micro_usd, unpriced_sms_segments, unpriced_calls, unpriced_call_minutes)
    VALUES (NEW.tenant_id, substr(NEW.created_at, 1, 7),
        NEW.sign * (CASE WHEN NEW.cost_amount IS NULL THEN 0 ELSE CAST(round(abs(NEW.cost_amount) * 1000000) AS INTEGER) END),
        NEW.sign * (CASE WHEN NEW.cost_amount IS NOT NULL OR NEW.direction <> 'outbound' OR NEW.legacy_id IS NOT NULL OR NEW.network_type <> 'sms' THEN 0
                 WHEN NEW.status = 'failed' OR NEW.status = 'canceled' THEN 0
                 ELSE max(COALESCE(NEW.segments, 1), 1) END),
        NEW.sign * (CASE WHEN NEW.cost_amount IS NOT NULL OR NEW.direction <> 'outbound' OR NEW.legacy_id IS NOT NULL OR NEW.network_type <> 'call' THEN 0
                 WHEN NEW.status = 'failed' OR NEW.status = 'canceled' OR NEW.status = 'busy' OR NEW.status = 'no-answer' THEN 0
                 WHEN NEW.status = 'completed' AND NEW.duration_seconds IS NOT NULL THEN 0
                 ELSE 1 END),
        NEW.sign * (CASE WHEN NEW.cost_amount IS NOT NULL OR NEW.direction <> 'outbound' OR NEW.legacy_id IS NOT NULL OR NEW.network_type <> 'call' THEN 0
                 WHEN NEW.status = 'completed' AND NEW.duration_seconds IS NOT NULL THEN max(1, (NEW.duration_seconds + 59) / 60)
                 ELSE 0 END))
    ON CONFLICT (tenant_id, month) DO UPDATE SET
        priced_micro_usd = priced_micro_usd + excluded.priced_micro_usd,
        unpriced_sms_segments = unpriced_sms_segments + excluded.unpriced_sms_segments,
        unpriced_calls = unpriced_calls + excluded.unpriced_calls,
        unpriced_call_minutes = unpriced_call_minutes + excluded.unpriced_call_minutes;
END;

-- What is already there (a row at a time through the rule above: seconds for a million rows, once).
INSERT INTO tenant_monthly_spend_change (tenant_id, created_at, direction, network_type, status, cost_amount, segments, duration_seconds, legacy_id, sign)
SELECT tenant_id, created_at, direction, network_type, status, cost_amount, segments, duration_seconds, legacy_id, 1 FROM communication_log WHERE direction = 'outbound' OR cost_amount IS NOT NULL;

-- Inbound rows without a price are skipped at once, so inbound webhooks pay nothing for this.
CREATE TRIGGER tenant_monthly_spend_insert AFTER INSERT ON communication_log
WHEN NEW.direction = 'outbound' OR NEW.cost_amount IS NOT NULL
BEGIN
    INSERT INTO tenant_monthly_spend_change VALUES (NEW.tenant_id, NEW.created_at, NEW.direction, NEW.network_type, NEW.status, NEW.cost_amount, NEW.segments, NEW.duration_seconds, NEW.legacy_id, 1);
END;

-- Fires only when a counted fact can have changed: a price arrived, segments or a call's length became known, the
-- status moved into or out of the free ones or 'completed'. A status callback that moves sent -> delivered, the common
-- case, does not fire it.
CREATE TRIGGER tenant_monthly_spend_update
AFTER UPDATE OF cost_amount, status, segments, duration_seconds, tenant_id, created_at, legacy_id ON communication_log
WHEN (OLD.direction = 'outbound' OR OLD.cost_amount IS NOT NULL OR NEW.cost_amount IS NOT NULL)
 AND (OLD.cost_amount IS NOT NEW.cost_amount OR OLD.segments IS NOT NEW.segments OR OLD.duration_seconds IS NOT NEW.duration_seconds
      OR OLD.tenant_id IS NOT NEW.tenant_id OR substr(OLD.created_at, 1, 7) IS NOT substr(NEW.created_at, 1, 7)
      OR OLD.legacy_id IS NOT NEW.legacy_id
      OR (CASE OLD.status WHEN 'failed' THEN 1 WHEN 'canceled' THEN 1 WHEN 'busy' THEN 1 WHEN 'no-answer' THEN 1 WHEN 'completed' THEN 1 ELSE 0 END)
         <> (CASE NEW.status WHEN 'failed' THEN 1 WHEN 'canceled' THEN 1 WHEN 'busy' THEN 1 WHEN 'no-answer' THEN 1 WHEN 'completed' THEN 1 ELSE 0 END))
BEGIN
    INSERT INTO tenant_monthly_spend_change VALUES (OLD.tenant_id, OLD.created_at, OLD.direction, OLD.network_type, OLD.status, OLD.cost_amount, OLD.segments, OLD.duration_seconds, OLD.legacy_id, -1);
    INSERT INTO tenant_monthly_spend_change VALUES (NEW.tenant_id, NEW.created_at, NEW.direction, NEW.network_type, NEW.status, NEW.cost_amount, NEW.segments, NEW.duration_seconds, NEW.legacy_id, 1);
END;

-- Also fires for the rows a tenant's deletion removes (ON DELETE CASCADE).
CREATE TRIGGER tenant_monthly_spend_delete AFTER DELETE ON communication_log
WHEN OLD.direction = 'outbound' OR OLD.cost_amount IS NOT NULL
BEGIN
    INSERT INTO tenant_monthly_spend_change VALUES (OLD.tenant_id, OLD.created_at, OLD.direction, OLD.network_type, OLD.status, OLD.cost_amount, OLD.segments, OLD.duration_seconds, OLD.legacy_id, -1);
END;

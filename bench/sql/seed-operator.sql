-- The operator overview's benchmark data: 60 tenants (every third with its own spend cap) and, over the 60 days up to
-- now, 2,000,000 communication_log rows (a quarter of them for tenant t01, the rest spread over t02..t60), 500,000
-- audit rows, 20,000 server errors and 600 audio files, inserted straight into App's schema, so that App's triggers
-- keep the daily counters and the monthly spend as they would in production. Deterministic but for "now".
--   type       70 % sms, 30 % call;  direction 90 % outbound, 10 % inbound
--   sms out    80 % delivered (priced), 6 % undelivered (priced), 6 % failed, 5 % sent (not priced yet), 3 % queued
--   call out   67 % completed (priced), 15 % no-answer, 10 % busy, 5 % failed, 3 % in-progress
-- No ANALYZE: App never runs it, so the planner works without statistics here as it does in production.
PRAGMA synchronous = OFF;
BEGIN;

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
INSERT INTO tenants (id, name, api_key_hash, api_key_prefix, settings)
SELECT printf('t%02d', i), printf('Tenant %02d', i), lower(hex(randomblob(32))), 'sb_bench00',
       CASE WHEN i % 3 = 0 THEN json_object('monthly_spend_cap_usd', 50 * i) ELSE '{}' END
FROM n;

WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1999999),
r AS (
    SELECT i, (i * 2654435761) % 4294967296 AS h, julianday('now') - 60 + i * (60.0 / 2000000) AS at FROM n
),
a AS (
    SELECT i, h, at,
           CASE WHEN h % 4 = 0 THEN 't01' ELSE printf('t%02d', 2 + (h / 4) % 59) END AS tenant_id,
           CASE WHEN (h / 16) % 100 < 70 THEN 'sms' ELSE 'call' END AS type,
           CASE WHEN (h / 1600) % 10 = 0 THEN 'inbound' ELSE 'outbound' END AS direction,
           (h / 16000) % 100 AS s
    FROM r
),
b AS (
    SELECT *,
           CASE
               WHEN type = 'sms' AND direction = 'inbound' THEN 'received'
               WHEN type = 'call' AND direction = 'inbound' THEN 'completed'
               WHEN type = 'sms' THEN CASE WHEN s < 80 THEN 'delivered' WHEN s < 86 THEN 'undelivered' WHEN s < 92 THEN 'failed' WHEN s < 97 THEN 'sent' ELSE 'queued' END
               ELSE CASE WHEN s < 67 THEN 'completed' WHEN s < 82 THEN 'no-answer' WHEN s < 92 THEN 'busy' WHEN s < 97 THEN 'failed' ELSE 'in-progress' END
           END AS status
    FROM a
)
INSERT INTO communication_log (tenant_id, network_type, direction, to_number, from_number, message_content, twilio_sid, status,
                               status_rank, error_code, cost_amount, cost_currency, duration_seconds, segments, created_at, updated_at)
SELECT tenant_id, type, direction,
       '+1212555' || printf('%04d', h % 10000), '+15005550006',
       CASE WHEN type = 'sms' THEN 'Your appointment is tomorrow at 10:30. Reply C to confirm.' ELSE NULL END,
       printf('%s%032x', CASE type WHEN 'sms' THEN 'SM' ELSE 'CA' END, 7000000 + i),
       status,
       CASE WHEN status IN ('queued') THEN 1 WHEN status = 'sent' OR status = 'in-progress' THEN 3 ELSE 4 END,
       CASE status WHEN 'failed' THEN 30008 WHEN 'undelivered' THEN 30003 ELSE NULL END,
       CASE WHEN status IN ('delivered', 'undelivered', 'received') THEN 0.0079 WHEN status = 'completed' THEN 0.014 * (1 + (h / 3) % 4) ELSE NULL END,
       CASE WHEN status IN ('delivered', 'undelivered', 'received', 'completed') THEN 'USD' ELSE NULL END,
       CASE WHEN type = 'call' AND status = 'completed' THEN 5 + (h / 11) % 240 ELSE NULL END,
       CASE WHEN type = 'sms' THEN 1 + (h / 17) % 2 ELSE NULL END,
       strftime('%Y-%m-%dT%H:%M:%fZ', at), strftime('%Y-%m-%dT%H:%M:%fZ', at + 60.0 / 86400)
FROM b;

-- Every send leaves an audit row in production; half a million of them here, the newest last.
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 499999)
INSERT INTO audit_log (tenant_id, occurred_at, actor_type, actor, method, route, action, entity_type, entity_id, outcome, status_code)
SELECT CASE WHEN i % 4 = 0 THEN 't01' ELSE printf('t%02d', 2 + (i / 4) % 59) END,
       strftime('%Y-%m-%dT%H:%M:%fZ', julianday('now') - 60 + i * (60.0 / 500000)),
       'api_key', 'sb_bench00…', 'POST', '/api/communication/sms/send', 'communication.sms.send', 'sms', i, 'success', 200
FROM n;

WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 19999)
INSERT INTO error_log (tenant_id, error_type, error_message, endpoint, created_at)
SELECT printf('t%02d', 1 + i % 60), 'api', 'A bench error', 'POST /api/communication/sms/send',
       strftime('%Y-%m-%dT%H:%M:%fZ', julianday('now') - 7 + i * (7.0 / 20000))
FROM n;

WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 599)
INSERT INTO voice_files (tenant_id, filename, file_type, file_path, file_size)
SELECT printf('t%02d', 1 + i % 60), printf('greeting-%d.mp3', i), 'mp3', printf('files/bench/%d.mp3', i), 100000 + i * 1000
FROM n;

COMMIT;

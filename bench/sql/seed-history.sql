-- 1,000,000 communication_log rows for tenant 'bench' (the history benchmark), 100,000 for tenant 'other' (another
-- tenant's rows in the same indexes), inserted straight into App's schema. Deterministic: a multiplicative hash of the
-- row number picks every attribute, so every run seeds the same data.
--   type       70 % sms, 30 % call;  direction 90 % outbound, 10 % inbound
--   sms out    82 % delivered, 6 % undelivered, 5 % failed, 5 % sent, 2 % queued; sms in: received
--   call out   67 % completed, 15 % no-answer, 10 % busy, 5 % failed, 3 % canceled; call in: completed
--   numbers    20,000 recipients (+1212555xxxx and +1646555xxxx); the tenant's number +15005550006
--   text       five SMS templates (one in ten mentions an invoice); calls carry no text
--   created_at one year, 2025-11-23 .. 2026-11-23, rising with the id as real appends do (~31.5 s apart, jittered)
-- No ANALYZE: App never runs it, so the planner works without statistics here as it does in production.
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE seed_plan (tenant_id TEXT, rows INTEGER, sid_offset INTEGER);
INSERT INTO seed_plan VALUES ('bench', 1000000, 0), ('other', 100000, 5000000);

WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999),
r AS (
    SELECT p.tenant_id, p.sid_offset, n.i,
           (n.i * 2654435761) % 4294967296 AS h,
           julianday('2025-11-23') + (n.i * (31536000.0 / p.rows) + ((n.i * 40503) % 29)) / 86400.0 AS at
    FROM seed_plan p JOIN n ON n.i < p.rows
),
a AS (
    SELECT *,
           CASE WHEN h % 100 < 70 THEN 'sms' ELSE 'call' END AS type,
           CASE WHEN (h / 100) % 10 = 0 THEN 'inbound' ELSE 'outbound' END AS direction,
           (h / 1000) % 100 AS s,
           (h / 100000) % 20000 AS who,
           (h / 7) % 5 AS tpl
    FROM r
),
b AS (
    SELECT *,
           '+1' || CASE WHEN who < 10000 THEN '212555' ELSE '646555' END || printf('%04d', who % 10000) AS customer,
           CASE
               WHEN type = 'sms' AND direction = 'inbound' THEN 'received'
               WHEN type = 'call' AND direction = 'inbound' THEN 'completed'
               WHEN type = 'sms' THEN CASE WHEN s < 82 THEN 'delivered' WHEN s < 88 THEN 'undelivered' WHEN s < 93 THEN 'failed' WHEN s < 98 THEN 'sent' ELSE 'queued' END
               ELSE CASE WHEN s < 67 THEN 'completed' WHEN s < 82 THEN 'no-answer' WHEN s < 92 THEN 'busy' WHEN s < 97 THEN 'failed' ELSE 'canceled' END
           END AS status
    FROM a
)
INSERT INTO communication_log (tenant_id, network_type, direction, to_number, from_number, message_content, twilio_sid, status,
                               status_rank, error_code, error_message, cost_amount, cost_currency, duration_seconds, segments,
                               encoding, answered_by, sent_at, created_by, created_at, updated_at)
SELECT tenant_id, type, direction,
       CASE WHEN direction = 'outbound' THEN customer ELSE '+15005550006' END,
       CASE WHEN direction = 'outbound' THEN '+15005550006' ELSE customer END,
       CASE WHEN type = 'call' THEN NULL
            WHEN direction = 'inbound' THEN CASE tpl WHEN 0 THEN 'C' WHEN 1 THEN 'Yes, see you then' WHEN 2 THEN 'Can we move it to Friday?' WHEN 3 THEN 'Thanks!' ELSE 'OK' END
            ELSE CASE tpl
                WHEN 0 THEN 'Hi Ann, your appointment with Dr. Smith is on ' || strftime('%d.%m.', at + 2) || ' at 10:30. Reply C to confirm.'
                WHEN 1 THEN 'Reminder: your car is ready for pick-up at Main Street Garage until 6 pm.'
                WHEN 2 THEN 'Your invoice #' || (100000 + i % 90000) || ' of ' || (20 + i % 300) || '.00 EUR is due on ' || strftime('%d.%m.%Y', at + 14) || '.'
                WHEN 3 THEN 'Hello Mr. Jones, we have rescheduled your visit to ' || strftime('%d.%m. %H:00', at + 3) || '. Call us on 030 1234567.'
                ELSE 'Your prescription is ready for collection. Opening hours: Mon-Fri 8-18.'
            END
       END,
       printf('%s%032x', CASE type WHEN 'sms' THEN 'SM' ELSE 'CA' END, sid_offset + i),
       status,
       CASE WHEN status IN ('queued') AND type = 'sms' THEN 1 WHEN status = 'sent' THEN 3 ELSE 4 END,
       CASE status WHEN 'failed' THEN 30008 WHEN 'undelivered' THEN 30003 ELSE NULL END,
       CASE status WHEN 'failed' THEN 'Unknown error' WHEN 'undelivered' THEN 'Unreachable destination handset' ELSE NULL END,
       CASE WHEN status IN ('delivered', 'undelivered', 'received') THEN 0.0079 WHEN status = 'completed' THEN 0.014 * (1 + (h / 3) % 4) ELSE NULL END,
       CASE WHEN status IN ('delivered', 'undelivered', 'received', 'completed') THEN 'USD' ELSE NULL END,
       CASE WHEN type = 'call' AND status = 'completed' THEN 5 + (h / 11) % 240 ELSE NULL END,
       CASE WHEN type = 'sms' THEN 1 ELSE NULL END,
       CASE WHEN type = 'sms' THEN 'GSM-7' ELSE NULL END,
       CASE WHEN type = 'call' AND status = 'completed' AND direction = 'outbound' THEN CASE WHEN (h / 13) % 5 = 0 THEN 'machine_start' ELSE 'human' END ELSE NULL END,
       CASE WHEN direction = 'outbound' AND status NOT IN ('queued') THEN strftime('%Y-%m-%dT%H:%M:%fZ', at + 2.0 / 86400) ELSE NULL END,
       CASE WHEN direction = 'outbound' THEN 'api_key:sb_bench…' ELSE NULL END,
       strftime('%Y-%m-%dT%H:%M:%fZ', at),
       strftime('%Y-%m-%dT%H:%M:%fZ', at + 60.0 / 86400)
FROM b;

-- The callback benchmark's rows: 100,000 SMS of tenant 'hooks' that the outbox has handed to Twilio (SID recorded,
-- status queued), waiting for their "sent" and "delivered" callbacks.
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99999)
INSERT INTO communication_log (tenant_id, network_type, direction, to_number, from_number, message_content, twilio_sid, status,
                               status_rank, segments, encoding, sent_at, created_by, created_at, updated_at)
SELECT 'hooks', 'sms', 'outbound', '+1212555' || printf('%04d', i % 10000), '+15005550006',
       'Hi Ann, your appointment is tomorrow at 10:30. Reply C to confirm.', printf('SM%032x', 9000000 + i), 'queued', 1, 1, 'GSM-7',
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'api_key:sb_hooks…', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM n;
-- A system that has run for a year has its history in the search index (App's HistorySearchIndexer adds new rows
-- four times a second; doing it here keeps a catch-up of 1.2 M rows out of the measured runs).
INSERT INTO communication_log_search (rowid, message_content, to_number, from_number)
SELECT id, message_content, to_number, from_number FROM communication_log
WHERE id > (SELECT indexed_through FROM communication_log_search_state);
UPDATE communication_log_search_state SET indexed_through = (SELECT MAX(id) FROM communication_log);
COMMIT;

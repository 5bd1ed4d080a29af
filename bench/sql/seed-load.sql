-- The load scenario's history: 20,000 communication_log rows for every tenant in the database (50 in bench/load.sh,
-- 1,000,000 in all) over the year up to now, inserted straight into App's schema so that App's triggers keep the daily
-- counters and the monthly spend. Same distributions as seed-history.sql; deterministic but for "now".
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 19999),
t AS (SELECT id AS tenant_id, ROW_NUMBER() OVER (ORDER BY id) AS k FROM tenants),
r AS (
    SELECT t.tenant_id, t.k, n.i,
           ((n.i + t.k * 20000) * 2654435761) % 4294967296 AS h,
           julianday('now') - 365 + (n.i * (31536000.0 / 20000) + ((n.i * 40503) % 29)) / 86400.0 AS at
    FROM t JOIN n
),
a AS (
    SELECT *,
           CASE WHEN h % 100 < 70 THEN 'sms' ELSE 'call' END AS type,
           CASE WHEN (h / 100) % 10 = 0 THEN 'inbound' ELSE 'outbound' END AS direction,
           (h / 1000) % 100 AS s,
           (h / 100000) % 2000 AS who,
           (h / 7) % 4 AS tpl
    FROM r
),
b AS (
    SELECT *,
           '+1212555' || printf('%04d', who) AS customer,
           CASE
               WHEN type = 'sms' AND direction = 'inbound' THEN 'received'
               WHEN type = 'call' AND direction = 'inbound' THEN 'completed'
               WHEN type = 'sms' THEN CASE WHEN s < 82 THEN 'delivered' WHEN s < 88 THEN 'undelivered' ELSE 'failed' END
               ELSE CASE WHEN s < 67 THEN 'completed' WHEN s < 82 THEN 'no-answer' WHEN s < 92 THEN 'busy' WHEN s < 97 THEN 'failed' ELSE 'canceled' END
           END AS status
    FROM a
)
INSERT INTO communication_log (tenant_id, network_type, direction, to_number, from_number, message_content, twilio_sid, status,
                               status_rank, error_code, error_message, cost_amount, cost_currency, duration_seconds, segments,
                               encoding, sent_at, created_by, created_at, updated_at)
SELECT tenant_id, type, direction,
       CASE WHEN direction = 'outbound' THEN customer ELSE '+15005550006' END,
       CASE WHEN direction = 'outbound' THEN '+15005550006' ELSE customer END,
       CASE WHEN type = 'call' THEN NULL
            WHEN direction = 'inbound' THEN CASE tpl WHEN 0 THEN 'C' WHEN 1 THEN 'Yes, see you then' ELSE 'Thanks!' END
            ELSE CASE tpl
                WHEN 0 THEN 'Hi Ann, your appointment with Dr. Smith is on ' || strftime('%d.%m.', at + 2) || ' at 10:30. Reply C to confirm.'
                WHEN 1 THEN 'Reminder: your car is ready for pick-up at Main Street Garage until 6 pm.'
                WHEN 2 THEN 'Your invoice #' || (100000 + i % 90000) || ' is due on ' || strftime('%d.%m.%Y', at + 14) || '.'
                ELSE 'Your prescription is ready for collection. Opening hours: Mon-Fri 8-18.'
            END
       END,
       printf('%s%032x', CASE type WHEN 'sms' THEN 'SM' ELSE 'CA' END, 7000000 + k * 20000 + i),
       status,
       4,
       CASE status WHEN 'failed' THEN 30008 WHEN 'undelivered' THEN 30003 ELSE NULL END,
       CASE status WHEN 'failed' THEN 'Unknown error' WHEN 'undelivered' THEN 'Unreachable destination handset' ELSE NULL END,
       CASE WHEN status IN ('delivered', 'undelivered', 'received') THEN 0.0079 WHEN status = 'completed' THEN 0.014 * (1 + (h / 3) % 4) ELSE NULL END,
       CASE WHEN status IN ('delivered', 'undelivered', 'received', 'completed') THEN 'USD' ELSE NULL END,
       CASE WHEN type = 'call' AND status = 'completed' THEN 5 + (h / 11) % 240 ELSE NULL END,
       CASE WHEN type = 'sms' THEN 1 ELSE NULL END,
       CASE WHEN type = 'sms' THEN 'GSM-7' ELSE NULL END,
       CASE WHEN direction = 'outbound' THEN strftime('%Y-%m-%dT%H:%M:%fZ', at + 2.0 / 86400) ELSE NULL END,
       CASE WHEN direction = 'outbound' THEN 'api_key:default' ELSE NULL END,
       strftime('%Y-%m-%dT%H:%M:%fZ', at),
       strftime('%Y-%m-%dT%H:%M:%fZ', at + 60.0 / 86400)
FROM b ORDER BY at;
-- A system that has run for a year has its history in the search index.
INSERT INTO communication_log_search (rowid, message_content, to_number, from_number)
SELECT id, message_content, to_number, from_number FROM communication_log
WHERE id > (SELECT indexed_through FROM communication_log_search_state);
UPDATE communication_log_search_state SET indexed_through = (SELECT MAX(id) FROM communication_log);
COMMIT;

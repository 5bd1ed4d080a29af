#!/usr/bin/env bash
# Time to check and to queue a 50,000-row campaign (issue 17). Run on demand: bash bench/campaigns.sh
# Builds App (Release) into a temp dir, starts it on a free port with its own data directory, uploads a generated
# 50,000-row CSV (POST /api/campaigns: parse, check every row, store), starts the campaign and waits until every row
# has been handed to the outbox. Twilio is "Live" at a closed port, so nothing leaves the machine: the outbox worker
# tries each entry once (connection refused, safe to retry) and defers it, as it would while Twilio is down.
set -euo pipefail
ROWS="${ROWS:-50000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
APP_PID=
trap 'kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

dotnet build "$ROOT/App/App.csproj" -c Release -p:SkipSpaBuild=true --artifacts-path "$WORK/build" -v q -nologo >/dev/null
APP_DLL="$(find "$WORK/build/bin" -name App.dll | head -1)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export ASPNETCORE_ENVIRONMENT=Production App__DataDirectory="$WORK/data" App__SeedDemoTenant=false App__MasterKey="$(head -c 32 /dev/urandom | base64)"
export Twilio__Mode=Live Twilio__ApiBaseUrl=http://127.0.0.1:9 Twilio__MaxRetries=0
export Outbox__TenantSendsPerSecond=1000000 Outbox__Concurrency=1 Outbox__RetryBaseDelayMs=3600000 Outbox__MaxRetryDelaySeconds=3600
export RateLimits__TenantPermitsPerSecond=100000 RateLimits__TenantBurst=100000 Serilog__MinimumLevel__Default=Warning
TENANT_JSON="$(dotnet "$APP_DLL" tenant create --name Bench --id bench)"
KEY="$(echo "$TENANT_JSON" | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])')"
Urls="http://127.0.0.1:$PORT" App__PublicBaseUrl="http://127.0.0.1:$PORT" dotnet "$APP_DLL" >"$WORK/app.log" 2>&1 &
APP_PID=$!
until curl -sf "http://127.0.0.1:$PORT/health" >/dev/null; do sleep 0.2; done
API="http://127.0.0.1:$PORT/api"
curl -sf -X PUT "$API/tenant/profile" -H "X-API-Key: $KEY" -H 'Content-Type: application/json' \
  -d '{"name":"Bench","twilio_sid":"AC'"$(printf 'a%.0s' {1..32})"'","twilio_token":"'"$(printf 'b%.0s' {1..32})"'","from_number":"+15005550006"}' >/dev/null

python3 - "$ROWS" >"$WORK/rows.csv" <<'PY'
import sys
n = int(sys.argv[1])
print("to;first_name;time;clinic", end="\r\n")
for i in range(n):
    print(f"+1415{5550000 + i:07d};Patient {i};{8 + i % 10}:{i % 60:02d};\"Harbor; Dental\"", end="\r\n")
PY
BYTES="$(stat -c %s "$WORK/rows.csv")"
RSS_BEFORE="$(awk '/VmRSS/ {print $2}' /proc/$APP_PID/status)"
CHECK="$(curl -s -o "$WORK/created.json" -w '%{time_total}' "$API/campaigns" -H "X-API-Key: $KEY" \
  -F "file=@$WORK/rows.csv;type=text/csv" -F name=Bench -F 'message=Hi {{first_name}}, see you at {{time}} at {{clinic}}.')"
ID="$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["data"]["campaign"]["id"])' "$WORK/created.json")"
VALID="$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["data"]["campaign"]["rows"]["valid"])' "$WORK/created.json")"

START_NS="$(date +%s%N)"
curl -sf -X POST "$API/campaigns/$ID/start" -H "X-API-Key: $KEY" >/dev/null
while :; do
  WAITING="$(curl -sf "$API/campaigns/$ID" -H "X-API-Key: $KEY" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["progress"]["waiting"])')"
  [ "$WAITING" = 0 ] && break
  sleep 0.2
done
QUEUE="$(python3 -c "print(f'{($(date +%s%N) - $START_NS) / 1e9:.2f}')")"
PEAK="$(awk '/VmHWM/ {print $2}' /proc/$APP_PID/status)"
OUTBOX="$(sqlite3 "$WORK/data/app.db" 'SELECT COUNT(*) FROM outbox WHERE priority = 1' 2>/dev/null || echo '?')"

echo "rows=$ROWS valid=$VALID file_bytes=$BYTES"
echo "check_seconds=$CHECK (POST /api/campaigns: upload, parse, check and store every row)"
echo "queue_seconds=$QUEUE (start until no row waits: log rows and outbox entries written)"
echo "outbox_campaign_entries=$OUTBOX"
echo "rss_before_upload_kb=$RSS_BEFORE peak_rss_kb=$PEAK"

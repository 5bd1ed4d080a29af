#!/usr/bin/env bash
# The load the customer named (issue 15): 50 tenants × 10 users on one App, measured from outside. Run on demand,
# never in CI (bench/run.sh runs it last unless SKIP names "load"):
#
#   bash bench/load.sh
#
# Builds App (Release, ReadyToRun as the Dockerfile publishes it, into a private temp dir), starts it with an operator
# key and the Twilio simulator (outbox on, so every send goes through the outbox to the simulator and comes back as
# real signed status callbacks), creates 50 tenants with 20 voice messages each over the API, stops it, seeds 20,000
# history rows per tenant (sql/seed-load.sql), then:
#   1. cold start: the time from launching App on that database to its first /health 200, and RSS at idle;
#   2. the scenario: 500 connections of users spread over the 50 tenants, each waiting 250–750 ms between requests:
#      voice message list, history pages, SMS sends, calls, an upload now and then (one wrk per kind of request, so
#      each gets its own p50/p99), with the simulator's status callbacks, call progress and TwiML fetches arriving
#      meanwhile (their server-side latency comes from App's /metrics histogram);
#   3. the flood: the same 500 connections with no think time (closed loop), for the peak memory.
# Reports p50/p99 per endpoint, App CPU per request, peak RSS per phase, and writes bench/results/load-last-run.md.
#
# Knobs (environment): DURATION (s of the measured scenario, 60), WARMUP (s, 20), FLOOD (s, 30), TENANTS (50),
# SOURCE=HEAD|<git ref>|worktree (as in run.sh), KEEP=1 (keep the temp dir), APP_ENV="Key=Value ..." (extra
# environment for App, e.g. to try a setting), DATA_CACHE=<dir> (the tenants and seeded database are kept there after
# the first run and copied from there by the next ones, which saves the eight minutes of set-up when comparing builds).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
DURATION="${DURATION:-60}"
WARMUP="${WARMUP:-20}"
FLOOD="${FLOOD:-30}"
TENANTS="${TENANTS:-50}"
SOURCE="${SOURCE:-HEAD}"
WORK="$(mktemp -d /tmp/switchboard-load.XXXXXX)"
RESULTS="$BENCH_DIR/results/load-last-run.md"
OPERATOR_KEY="op_load_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
MASTER_KEY="$(head -c 32 /dev/urandom | base64)"
DATA_CACHE="${DATA_CACHE:-}"
APP_PID=""
SAMPLER_PID=""
export BENCH_DIR

# Connections per kind of request: 500 users in all, most of them reading.
declare -A CONNECTIONS=([voice]=170 [history]=220 [sms]=80 [call]=15 [upload]=15)
KINDS=(voice history sms call upload)
declare -A PATHS=([voice]="GET /api/voice-messages" [history]="GET /api/communication/history" [sms]="POST /api/communication/sms/send"
  [call]="POST /api/communication/voice/send" [upload]="POST /api/files/upload")

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
stop_app() {
  if [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; then
    kill "$APP_PID" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$APP_PID" 2>/dev/null || true
  fi
  APP_PID=""
}
cleanup() {
  local code=$?
  [[ -n "$SAMPLER_PID" ]] && kill "$SAMPLER_PID" 2>/dev/null || true
  stop_app
  if [[ "${KEEP:-0}" == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$code"
}
trap cleanup EXIT INT TERM
for tool in dotnet curl sqlite3 wrk python3; do command -v "$tool" >/dev/null || { echo "$tool is required (apt-get install $tool)" >&2; exit 1; }; done

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_mb() { awk '/^VmRSS/ { printf "%.0f\n", $2 / 1024 }' "/proc/$1/status"; }

# ---------------------------------------------------------------- build
SRC="$REPO"
if [[ "$SOURCE" != worktree ]]; then
  SRC="$WORK/src"; mkdir -p "$SRC"
  git -C "$REPO" archive "$SOURCE" App Directory.Build.props Directory.Packages.props .editorconfig | tar -x -C "$SRC"
fi
REVISION="$(git -C "$REPO" rev-parse --short "${SOURCE/worktree/HEAD}")"
[[ "$SOURCE" == worktree ]] && REVISION+=" + uncommitted work tree"
log "building App ($REVISION, Release) under $WORK"
dotnet publish "$SRC/App/App.csproj" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -p:UseAppHost=false -o "$WORK/app" -p:SkipSpaBuild=true --artifacts-path "$WORK/artifacts" -nologo -v q \
  >"$WORK/build.log" 2>&1 || { tail -n 30 "$WORK/build.log" >&2; exit 1; }
# Its own file name, so that a "pkill -f App.dll" elsewhere on a shared machine cannot stop the run.
for f in dll runtimeconfig.json deps.json; do cp "$WORK/app/App.$f" "$WORK/app/switchboard-bench.$f"; done

DATA="$WORK/data"; mkdir -p "$DATA"
APP="http://127.0.0.1:$(free_port)"
# Production settings but for the log level (Warning keeps the per-request line out of the measurement) and the
# simulator's pace (its default 1.5 s per step would hold thousands of calls in progress at once).
read -r -a extra_env <<<"${APP_ENV:-}"
app_env=(
  App__DataDirectory="$DATA" App__SeedDemoTenant=false ASPNETCORE_ENVIRONMENT=Production Urls="$APP" App__PublicBaseUrl="$APP"
  App__MasterKey="$MASTER_KEY" Operator__ApiKey="$OPERATOR_KEY"
  Serilog__MinimumLevel__Default=Warning Serilog__MinimumLevel__Override__Serilog.AspNetCore=Warning
  Twilio__Simulator__StepDelayMs=300 "${extra_env[@]}"
)
start_app() { # -> APP_PID, and STARTED_MS: ms to the first /health 200
  local begin; begin="$(now_ms)"
  (cd "$WORK/app" && exec env "${app_env[@]}" dotnet switchboard-bench.dll >>"$WORK/app.log" 2>&1) &
  APP_PID=$!
  until curl -fsS -o /dev/null "$APP/health" 2>/dev/null; do
    kill -0 "$APP_PID" 2>/dev/null || { log "App exited: $(tail -c 2000 "$WORK/app.log")"; exit 1; }
    sleep 0.01
  done
  STARTED_MS=$(( $(now_ms) - begin ))
}
operator() { curl -fsS -H "X-Operator-Key: $OPERATOR_KEY" -H 'Content-Type: application/json' "$@"; }
# The one field of the answer's data that set-up needs (sed: a python3 per request would take most of the set-up time).
json_field() { sed -n "s/.*\"$1\": *\"\\{0,1\\}\\([^\",}]*\\).*/\\1/p"; }

# ---------------------------------------------------------------- tenants, voice messages, history
USERS="$WORK/users.txt"
if [[ -n "$DATA_CACHE" && -f "$DATA_CACHE/app.db" ]]; then
  log "copying the tenants and history from $DATA_CACHE"
  cp -r "$DATA_CACHE/." "$DATA/"; mv "$DATA/users.txt" "$USERS"; MASTER_KEY="$(cat "$DATA/master-key")"; rm "$DATA/master-key"
  app_env=("${app_env[@]/#App__MasterKey=*/App__MasterKey=$MASTER_KEY}")
else
  log "creating $TENANTS tenants with 20 voice messages each"
  start_app
  : >"$USERS"
  for t in $(seq -w 1 "$TENANTS"); do
    key="$(operator "$APP/api/system/tenants" -d "{\"name\": \"Load $t\", \"id\": \"load$t\"}" | json_field api_key)"
    first=""
    for v in $(seq 1 20); do
      id="$(curl -fsS "$APP/api/voice-messages" -H "X-API-Key: $key" -H 'Content-Type: application/json' \
        -d "{\"name\": \"Reminder $v\", \"voice_text\": \"Hello {{first_name}}, this is a reminder of your appointment at {{time}}. Message $v.\", \"voice_gender\": \"woman\"}" \
        | json_field id)"
      first="${first:-$id}"
    done
    echo "$key $first" >>"$USERS"
  done
  stop_app
  log "seeding 20,000 history rows per tenant"
  seed_start=$SECONDS
  sqlite3 "$DATA/app.db" <"$BENCH_DIR/sql/seed-load.sql"
  log "seeded in $((SECONDS - seed_start)) s ($(du -h "$DATA/app.db" | cut -f1))"
  if [[ -n "$DATA_CACHE" ]]; then
    mkdir -p "$DATA_CACHE"; cp -r "$DATA/." "$DATA_CACHE/"; cp "$USERS" "$DATA_CACHE/users.txt"; echo "$MASTER_KEY" >"$DATA_CACHE/master-key"
  fi
fi

# Set-up wrote a gigabyte: let the kernel put it on disk now, or its write-back would slow every commit measured below.
sync

# One second of 8 kHz 16-bit mono silence as a WAV file: what the upload requests carry.
AUDIO="$WORK/greeting.wav"
python3 - "$AUDIO" <<'PY'
import struct, sys
samples = 8000
data = b"\x00\x00" * samples
header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16) + b"data" + struct.pack("<I", len(data))
open(sys.argv[1], "wb").write(header + data)
PY
export LOAD_USERS="$USERS" LOAD_AUDIO="$AUDIO"

# ---------------------------------------------------------------- cold start and idle
log "cold start on the seeded database"
start_app
START_MS="$STARTED_MS"
sleep 10
IDLE_RSS="$(rss_mb "$APP_PID")"
log "first /health 200 after $START_MS ms; idle RSS $IDLE_RSS MB"

# RSS every 250 ms into a file while a phase runs; the phase's peak is the file's maximum.
sample_rss() { while kill -0 "$APP_PID" 2>/dev/null; do rss_mb "$APP_PID"; sleep 0.25; done >"$1"; }
peak() { sort -n "$1" | tail -n1; }

# Runs every kind of request at once for $1 seconds with think time $2..$3 ms; wrk output in $WORK/$4-<kind>.out.
run_mix() {
  local seconds="$1" min="$2" max="$3" phase="$4" pids=() kind
  for kind in "${KINDS[@]}"; do
    LOAD_THINK_MIN="$min" LOAD_THINK_MAX="$max" wrk -t1 -c"${CONNECTIONS[$kind]}" -d"${seconds}s" --timeout 10s \
      -s "$BENCH_DIR/wrk/load-$kind.lua" "$APP" >"$WORK/$phase-$kind.out" 2>&1 &
    pids+=($!)
  done
  wait "${pids[@]}" || true
}
metrics() { curl -fsS -H "X-Operator-Key: $OPERATOR_KEY" "$APP/metrics" >"$1"; }

log "warm-up: ${WARMUP} s of the scenario"
run_mix "$WARMUP" 250 750 warmup
sleep 5

log "scenario: $DURATION s, 500 connections with 250–750 ms think time"
metrics "$WORK/metrics-before.txt"
sample_rss "$WORK/rss-scenario.txt" & SAMPLER_PID=$!
cpu_before="$(cpu_ticks "$APP_PID")"
run_mix "$DURATION" 250 750 scenario
cpu_after="$(cpu_ticks "$APP_PID")"
kill "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""
metrics "$WORK/metrics-after.txt"
SCENARIO_PEAK="$(peak "$WORK/rss-scenario.txt")"

sleep 10
log "flood: $FLOOD s, the same 500 connections with no think time"
sample_rss "$WORK/rss-flood.txt" & SAMPLER_PID=$!
flood_cpu_before="$(cpu_ticks "$APP_PID")"
run_mix "$FLOOD" 0 0 flood
flood_cpu_after="$(cpu_ticks "$APP_PID")"
kill "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""
FLOOD_PEAK="$(peak "$WORK/rss-flood.txt")"
sleep 20
AFTER_RSS="$(rss_mb "$APP_PID")"
outbox_left="$(sqlite3 "$DATA/app.db" "SELECT COUNT(*) FROM outbox WHERE state IN ('pending','in_flight','uncertain')" 2>/dev/null || echo '?')"
stop_app

# ---------------------------------------------------------------- summary
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }
HZ="$(getconf CLK_TCK)"
{
  echo "# Load scenario: $TENANTS tenants × 10 users"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); App $REVISION (Release, ASPNETCORE_ENVIRONMENT=Production, Twilio simulated, outbox on)"
  echo "- machine: nproc $(nproc), CPU \"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')\", memory $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r); dotnet $(dotnet --version), $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2) on the same 2 cores"
  echo "- load average before the scenario: $(cut -d' ' -f1-3 /proc/loadavg)${APP_ENV:+; extra environment: $APP_ENV}"
  echo "- data: $TENANTS tenants, 20 voice messages and 20,000 history rows each ($(du -h "$DATA/app.db" 2>/dev/null | cut -f1) database)"
  echo
  echo "Cold start to the first /health 200: **$START_MS ms**; RSS at idle 10 s later: **$IDLE_RSS MB**."
  echo
  echo "Scenario: $DURATION s after a $WARMUP s warm-up, 500 connections, 250–750 ms think time:"
  echo
  echo "| endpoint | connections | req/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx | socket errors |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  total=0
  for kind in "${KINDS[@]}"; do
    r="$(grep '^RESULT' "$WORK/scenario-$kind.out" || true)"
    total=$((total + $(field requests "$r")))
    echo "| ${PATHS[$kind]} | ${CONNECTIONS[$kind]} | $(field rps "$r") | $(field p50_ms "$r") | $(field p90_ms "$r") | $(field p99_ms "$r") | $(field max_ms "$r") | $(field non2xx "$r") | $(( $(field connect_errors "$r") + $(field read_errors "$r") + $(field write_errors "$r") + $(field timeouts "$r") )) |"
  done
  echo
  python3 "$BENCH_DIR/metrics-latency.py" "$WORK/metrics-before.txt" "$WORK/metrics-after.txt"
  echo
  echo "App CPU: $(awk -v t=$((cpu_after - cpu_before)) -v hz="$HZ" -v r="$total" -v d="$DURATION" \
    'BEGIN { printf "%.0f µs per load-generator request (%d requests, %.2f cores on average)", t * 1e6 / hz / r, r, t / hz / d }'); peak RSS during the scenario **$SCENARIO_PEAK MB**."
  echo
  flood_total=0; flood_bad=0
  for kind in "${KINDS[@]}"; do
    r="$(grep '^RESULT' "$WORK/flood-$kind.out" || true)"
    flood_total=$((flood_total + $(field requests "$r"))); flood_bad=$((flood_bad + $(field non2xx "$r")))
  done
  echo "Flood: $FLOOD s, the same 500 connections with no think time: $flood_total requests ($(awk -v r="$flood_total" -v d="$FLOOD" 'BEGIN { printf "%.0f", r / d }')/s, $flood_bad non-2xx), App CPU $(awk -v t=$((flood_cpu_after - flood_cpu_before)) -v hz="$HZ" -v r="$flood_total" 'BEGIN { printf "%.0f", t * 1e6 / hz / r }') µs per request; **peak RSS $FLOOD_PEAK MB**, $AFTER_RSS MB 20 s after it; outbox entries still waiting at the end: $outbox_left."
  echo
  echo "Per endpoint in the flood (closed loop, so latency is queueing):"
  echo
  echo "| endpoint | req/s | p50 ms | p99 ms | non-2xx |"
  echo "|---|---:|---:|---:|---:|"
  for kind in "${KINDS[@]}"; do
    r="$(grep '^RESULT' "$WORK/flood-$kind.out" || true)"
    echo "| ${PATHS[$kind]} | $(field rps "$r") | $(field p50_ms "$r") | $(field p99_ms "$r") | $(field non2xx "$r") |"
  done
} | tee "$RESULTS"

#!/usr/bin/env bash
# Switchboard performance benchmarks (issue 4, "Performance"). Run on demand, never in CI:
#
#   bash bench/run.sh
#
# Builds App (Release, into a private temp dir), the bare Kestrel baseline and BenchTool; creates three tenants and
# seeds 1.2 M communication_log rows; starts App and the baseline on free 127.0.0.1 ports; runs
#   1. GET /api/voice-messages (20 rows) on App vs the bare endpoint, wrk -t2 -c100, alternating rounds
#   2. GET /api/communication/history first pages over 1,000,000 rows of one tenant (sequential, p50/p95) + SQL timings
#   3. POST /api/communication/sms/send acceptance, wrk -t2 -c100
#   4. signed SMS status callbacks POST /webhooks/twilio/{tenant}/sms, wrk -t2 -c100
# then stops everything, deletes its temp dir and prints a summary (also written to bench/results/last-run.md);
#   5. the load scenario, 50 tenants × 10 users, then the 500-connection flood: bench/load.sh, its own summary in
#      bench/results/load-last-run.md (about 8 minutes with its set-up).
#
# Knobs (environment): DURATION (s per wrk run, default 10), ROUNDS (voice-messages rounds, default 3),
# CONNECTIONS (default 100), THREADS (wrk threads, default 2), HISTORY_REQUESTS (default 200), KEEP=1 keeps the
# temp dir, SKIP=list of benchmarks to skip (voice,history,sms,callbacks,load), SEED_SQL (default bench/sql/seed-history.sql),
# APP_ENV="Key=Value ..." (extra environment for App, e.g. DOTNET_gcServer=1 to try a setting),
# SOURCE=HEAD (default: App as committed, exported with git archive, so other people's half-written files in the work
# tree cannot break or skew the run; any other git ref works too) or SOURCE=worktree (App as it is on disk now).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
DURATION="${DURATION:-10}"
ROUNDS="${ROUNDS:-3}"
CONNECTIONS="${CONNECTIONS:-100}"
THREADS="${THREADS:-2}"
HISTORY_REQUESTS="${HISTORY_REQUESTS:-200}"
SKIP="${SKIP:-}"
SOURCE="${SOURCE:-HEAD}"
SEED_SQL="${SEED_SQL:-$BENCH_DIR/sql/seed-history.sql}"
WORK="$(mktemp -d /tmp/switchboard-bench.XXXXXX)"
PIDS=()
RESULTS="$WORK/results.md"
BENCH_THREADS="$THREADS"
export BENCH_DIR BENCH_THREADS

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
skip() { [[ ",$SKIP," == *",$1,"* ]]; }

stop_servers() {
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
}
cleanup() {
  local code=$?
  stop_servers
  if [[ "${KEEP:-0}" == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$code"
}
trap cleanup EXIT INT TERM

# ---------------------------------------------------------------- tools
command -v dotnet >/dev/null || { echo "dotnet is required" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is required" >&2; exit 1; }
if ! command -v wrk >/dev/null || ! command -v sqlite3 >/dev/null; then
  log "installing wrk and sqlite3 (Debian packages)"
  if [[ $(id -u) == 0 ]]; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk sqlite3 >/dev/null
  else
    echo "wrk and sqlite3 are required: apt-get install wrk sqlite3" >&2; exit 1
  fi
fi

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

wait_http() { # url, seconds, [pid that must stay alive]
  local deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    (( SECONDS < deadline )) || { log "no answer from $1"; return 1; }
    if [[ -n "${3:-}" ]] && ! kill -0 "$3" 2>/dev/null; then log "the server for $1 exited"; return 1; fi
    sleep 0.3
  done
}

# ---------------------------------------------------------------- build (private output dirs; retried, because other
# people may be editing App at the same moment and a half-written file does not compile)
SRC="$REPO"
if [[ "$SOURCE" != worktree ]]; then
  SRC="$WORK/src"; mkdir -p "$SRC"
  git -C "$REPO" archive "$SOURCE" App Directory.Build.props Directory.Packages.props | tar -x -C "$SRC"
fi
REVISION="$(git -C "$REPO" rev-parse --short "${SOURCE/worktree/HEAD}")"
if [[ "$SOURCE" == worktree ]]; then REVISION+=" + uncommitted work tree"; fi
build() {
  local attempt
  for attempt in 1 2 3; do
    if dotnet publish "$SRC/App/App.csproj" -c Release -o "$WORK/app" -p:SkipSpaBuild=true \
         --artifacts-path "$WORK/artifacts" -nologo -v q >"$WORK/build.log" 2>&1 \
       && dotnet publish "$BENCH_DIR/BareKestrel/BareKestrel.csproj" -c Release -o "$WORK/bare" \
         --artifacts-path "$WORK/artifacts" -nologo -v q >>"$WORK/build.log" 2>&1 \
       && dotnet build "$BENCH_DIR/BenchTool/BenchTool.csproj" -c Release -p:AppDir="$WORK/app" \
         --artifacts-path "$WORK/artifacts" -nologo -v q >>"$WORK/build.log" 2>&1; then
      return 0
    fi
    log "build attempt $attempt failed (tail of the log below); retrying in 60 s"
    tail -n 15 "$WORK/build.log" >&2
    sleep 60
  done
  return 1
}
log "building App ($REVISION), BareKestrel and BenchTool (Release) under $WORK"
build
# Run App under its own file name, so that someone else's "pkill -f App.dll" on this shared machine cannot stop a
# benchmark half-way (it happened): the same assembly, with its runtimeconfig and deps copied to the new name.
cp "$WORK/app/App.dll" "$WORK/app/switchboard-bench.dll"
cp "$WORK/app/App.runtimeconfig.json" "$WORK/app/switchboard-bench.runtimeconfig.json"
cp "$WORK/app/App.deps.json" "$WORK/app/switchboard-bench.deps.json"
TOOL=(dotnet "$WORK/artifacts/bin/BenchTool/release/BenchTool.dll")

# ---------------------------------------------------------------- data
DATA="$WORK/data"
mkdir -p "$DATA"
# What App runs with. Serilog at Warning keeps the per-request log line out of the measurement; the override on
# Serilog.AspNetCore also silences it in builds from before configuration could set the level (see README).
# Production refuses to start without a master key for the key ring; a throw-away one per run.
app_env=(
  App__DataDirectory="$DATA" App__SeedDemoTenant=false ASPNETCORE_ENVIRONMENT=Production App__MasterKey="$(head -c 32 /dev/urandom | base64)"
  Outbox__Enabled=false RateLimits__TenantPermitsPerSecond=1000000 RateLimits__TenantBurst=1000000
  Serilog__MinimumLevel__Default=Warning Serilog__MinimumLevel__Override__Serilog.AspNetCore=Warning
)
read -r -a extra_env <<<"${APP_ENV:-}"
app_env+=("${extra_env[@]}")
tenant_key() { # id -> api key
  (cd "$WORK/app" && env "${app_env[@]}" dotnet switchboard-bench.dll tenant create --name "Bench $1" --id "$1" 2>>"$WORK/cli.log") \
    | sed -n 's/.*"api_key":"\([^"]*\)".*/\1/p'
}
log "creating tenants bench, hooks, other"
KEY="$(tenant_key bench)"; tenant_key hooks >/dev/null; tenant_key other >/dev/null
[[ "$KEY" == sb_* ]] || { log "tenant create failed"; cat "$WORK/cli.log" >&2; exit 1; }

log "seeding 1.2 M communication_log rows ($(basename "$SEED_SQL"))"
seed_start=$SECONDS
sqlite3 "$DATA/app.db" <"$SEED_SQL"
log "seeded in $((SECONDS - seed_start)) s"

APP_PORT="$(free_port)"; BARE_PORT="$(free_port)"
while [[ "$BARE_PORT" == "$APP_PORT" ]]; do BARE_PORT="$(free_port)"; done
APP="http://127.0.0.1:$APP_PORT"; BARE="http://127.0.0.1:$BARE_PORT"

if ! skip callbacks; then
  log "signing the status callbacks for tenant hooks"
  "${TOOL[@]}" sign-callbacks --data "$DATA" --tenant hooks --base-url "$APP" --out "$WORK/callbacks-all.tsv" >&2
  # The first 20,000 lines warm the endpoint up; the main run uses the rest (no callback is sent twice).
  head -n 20000 "$WORK/callbacks-all.tsv" >"$WORK/callbacks-warm.tsv"
  tail -n +20001 "$WORK/callbacks-all.tsv" >"$WORK/callbacks.tsv"
  rm "$WORK/callbacks-all.tsv"
fi

# ---------------------------------------------------------------- servers
start_app() { # log file, extra env...
  local logfile="$1"; shift
  (cd "$WORK/app" && exec env "${app_env[@]}" Urls="$APP" "$@" dotnet switchboard-bench.dll >"$logfile" 2>&1) &
  APP_PID=$!
  PIDS+=("$APP_PID")
  wait_http "$APP/health" 90 "$APP_PID" || { tail -c 2000 "$logfile" >&2; exit 1; }
}
log "starting App on $APP"
start_app "$WORK/app.log"

# ---------------------------------------------------------------- machine
cpu_model="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
mem_total="$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
{
  echo "# Switchboard benchmark run"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: nproc $(nproc), CPU \"$cpu_model\", memory $mem_total, kernel $(uname -r)"
  echo "- App: $REVISION (Release build, SkipSpaBuild)"
  echo "- dotnet $(dotnet --version), $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2), sqlite3 CLI $(sqlite3 --version | cut -d' ' -f1) (seeding only)"
  echo "- load: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --timeout 10s on the same 2 cores as the server (the load generator competes with it)"
  echo "- App env: ${app_env[*]}" | sed -e "s#$WORK#\$WORK#g" -e "s#App__MasterKey=[^ ]*#App__MasterKey=(random)#"
  echo "- load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg) (other processes on the machine share the cores)"
  echo
} >"$RESULTS"

# A server that died mid-run: say so with the end of its log, and stop.
alive() {
  kill -0 "$1" 2>/dev/null && return 0
  log "the server (pid $1) is gone; end of its log:"
  tail -c 3000 "$WORK/app.log" >&2 || true
  [[ -n "${BARE_PID:-}" && "$1" == "$BARE_PID" ]] && tail -c 3000 "$WORK/bare.log" >&2
  exit 1
}

# CPU time (user + system, in clock ticks) of a process, and of the wrk child processes of this shell.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
children_ticks() { awk '{print $16 + $17}' "/proc/$$/stat"; }
TCK="$(getconf CLK_TCK)"

# wrk run -> WRK_LAST holds its RESULT line plus server_us (server CPU µs per request), server_cores (its average
# CPU use) and wrk_us (wrk's own CPU µs per request): on a shared 2-core machine these are steadier than req/s.
WRK_LAST=""
run_wrk() { # label url script duration server-pid
  local label="$1" url="$2" script="$3" duration="$4" pid="$5" out s0 s1 w0 w1 t0 t1 requests
  alive "$pid"
  s0="$(ticks "$pid")"; w0="$(children_ticks)"; t0="$(date +%s.%N)"
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${duration}s" --timeout 10s -s "$BENCH_DIR/wrk/$script" "$url" 2>&1)" || true
  alive "$pid"
  s1="$(ticks "$pid")"; w1="$(children_ticks)"; t1="$(date +%s.%N)"
  echo "$out" >>"$WORK/wrk.log"
  WRK_LAST="$(grep '^RESULT' <<<"$out" || true)"
  [[ -n "$WRK_LAST" ]] || { log "$label: wrk printed no RESULT line"; echo "$out" >&2; return 1; }
  requests="$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<<" $WRK_LAST")"
  WRK_LAST+="$(awk -v s="$((s1 - s0))" -v w="$((w1 - w0))" -v r="$requests" -v hz="$TCK" -v dt="$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" \
    'BEGIN {printf " server_us=%.0f server_cores=%.2f wrk_us=%.0f", s * 1e6 / hz / r, s / hz / dt, w * 1e6 / hz / r}')"
  log "$label: $WRK_LAST (load $(cut -d' ' -f1 /proc/loadavg))"
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $WRK_LAST"; }
errors() { echo $(( $(field connect_errors) + $(field read_errors) + $(field write_errors) + $(field timeouts) )); }

export BENCH_API_KEY="$KEY"

# ---------------------------------------------------------------- 1. voice messages vs bare Kestrel
if ! skip voice; then
  log "creating 20 voice messages"
  for i in $(seq 1 20); do
    curl -fsS -o /dev/null -H "X-API-Key: $KEY" -H 'Content-Type: application/json' \
      -d "{\"name\":\"Appointment reminder $i\",\"voice_text\":\"Hello {{first_name}}, this is Dr. Smith's practice. Your appointment is on {{date}} at {{time}}. Press 1 to confirm or 2 to talk to us. Message $i.\",\"voice\":\"Polly.Joanna-Neural\",\"voice_rate\":\"medium\"}" \
      "$APP/api/voice-messages"
  done
  curl -fsS -D "$WORK/voice-headers.txt" -o "$WORK/voice-messages.json" -H "X-API-Key: $KEY" "$APP/api/voice-messages"
  content_type="$(sed -n 's/^[Cc]ontent-[Tt]ype: *\(.*\)\r$/\1/p' "$WORK/voice-headers.txt")"
  items="$(grep -o '"voice_text"' "$WORK/voice-messages.json" | wc -l)"
  [[ "$items" == 20 ]] || { log "expected 20 voice messages, got $items"; exit 1; }

  (cd "$WORK/bare" && exec env Urls="$BARE" Body="$WORK/voice-messages.json" ContentType="$content_type" \
     ASPNETCORE_ENVIRONMENT=Production dotnet BareKestrel.dll >"$WORK/bare.log" 2>&1) &
  BARE_PID=$!
  PIDS+=("$BARE_PID")
  wait_http "$BARE/api/voice-messages" 60 "$BARE_PID"
  curl -fsS -o "$WORK/bare-body.json" "$BARE/api/voice-messages"
  cmp -s "$WORK/voice-messages.json" "$WORK/bare-body.json" || { log "the bare endpoint's body differs from App's"; exit 1; }

  log "voice messages: warm-up (bare 5 s, App 15 s)"
  # App needs far longer than the bare endpoint to reach steady state (tiered JIT, thread pool growth): warm it for
  # 15 s, so that round 1 is not a warm-up in disguise.
  run_wrk "warm-up bare" "$BARE/api/voice-messages" get.lua 5 "$BARE_PID"
  run_wrk "warm-up app " "$APP/api/voice-messages" get.lua 15 "$APP_PID"
  bare_sum=0; app_sum=0; voice_rows=""
  for round in $(seq 1 "$ROUNDS"); do
    run_wrk "round $round bare" "$BARE/api/voice-messages" get.lua "$DURATION" "$BARE_PID"
    b_rps="$(field rps)"; b_p50="$(field p50_ms)"; b_p99="$(field p99_ms)"; b_bad=$(( $(field non2xx) + $(errors) ))
    b_cpu="$(field server_us) µs ($(field server_cores) cores)"; b_wrk="$(field wrk_us)"
    run_wrk "round $round app " "$APP/api/voice-messages" get.lua "$DURATION" "$APP_PID"
    a_rps="$(field rps)"; a_p50="$(field p50_ms)"; a_p99="$(field p99_ms)"; a_bad=$(( $(field non2xx) + $(errors) ))
    a_cpu="$(field server_us) µs ($(field server_cores) cores)"; a_wrk="$(field wrk_us)"
    bare_sum="$(awk -v a="$bare_sum" -v b="$b_rps" 'BEGIN {print a + b}')"
    app_sum="$(awk -v a="$app_sum" -v b="$a_rps" 'BEGIN {print a + b}')"
    voice_rows+="| $round | $b_rps | $b_p50 / $b_p99 | $b_cpu | $b_wrk | $b_bad | $a_rps | $a_p50 / $a_p99 | $a_cpu | $a_wrk | $a_bad | $(awk -v a="$a_rps" -v b="$b_rps" 'BEGIN {printf "%.1f %%", 100 * a / b}') |"$'\n'
  done
  ratio="$(awk -v a="$app_sum" -v b="$bare_sum" 'BEGIN {printf "%.1f", 100 * a / b}')"
  verdict="$(awk -v r="$ratio" 'BEGIN {print (r >= 50 ? "MET" : "MISSED")}')"
  {
    echo "## 1. GET /api/voice-messages (20 rows, $(wc -c <"$WORK/voice-messages.json") bytes) vs bare Kestrel"
    echo
    echo "| round | bare req/s | bare p50 / p99 ms | bare CPU per request | wrk µs/req | bare errors | App req/s | App p50 / p99 ms | App CPU per request | wrk µs/req | App errors | App / bare |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s' "$voice_rows"
    echo
    echo "**App / bare over $ROUNDS rounds: $ratio % (goal >= 50 %): $verdict**"
    echo
  } >>"$RESULTS"
fi

# ---------------------------------------------------------------- 2. history over 1,000,000 rows
if ! skip history; then
  log "history: $HISTORY_REQUESTS sequential requests per filter (at most 20 s each)"
  {
    echo "## 2. GET /api/communication/history first page (per_page=20) over 1,000,000 rows of tenant bench"
    echo
    echo "Client-side on loopback, one keep-alive connection, sequential; server mean from App's /metrics histogram."
    echo
    "${TOOL[@]}" latency --base-url "$APP" --api-key "$KEY" --requests "$HISTORY_REQUESTS" --warmup 5 --max-seconds 20 \
      || echo "(a history request failed: see above)"
    echo
    echo "The same two queries straight on the file (BenchTool sql-timing: App's own WHERE builder, median of 5 runs):"
    echo
    "${TOOL[@]}" sql-timing --db "$DATA/app.db" --tenant bench --runs 5 || echo "(sql-timing failed)"
    echo
  } >>"$RESULTS"
fi

# ---------------------------------------------------------------- 3. SMS acceptance
if ! skip sms; then
  before="$(sqlite3 "$DATA/app.db" 'SELECT COUNT(*) FROM outbox')"
  run_wrk "sms warm-up" "$APP/api/communication/sms/send" sms.lua 5 "$APP_PID"
  mid="$(sqlite3 "$DATA/app.db" 'SELECT COUNT(*) FROM outbox')"
  run_wrk "sms send" "$APP/api/communication/sms/send" sms.lua "$DURATION" "$APP_PID"
  after="$(sqlite3 "$DATA/app.db" 'SELECT COUNT(*) FROM outbox')"
  sms_rps="$(field rps)"
  {
    echo "## 3. POST /api/communication/sms/send (JSON, API key, 10,000 recipients in turn)"
    echo
    echo "| req/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx | socket errors/timeouts | App CPU µs/req (cores) | wrk µs/req | outbox rows written in the run |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    echo "| $sms_rps | $(field p50_ms) | $(field p90_ms) | $(field p99_ms) | $(field max_ms) | $(field non2xx) | $(errors) | $(field server_us) ($(field server_cores)) | $(field wrk_us) | $((after - mid)) (wrk counted $(field requests)) |"
    echo
    echo "**$(awk -v r="$sms_rps" 'BEGIN {print (r >= 5000 ? "MET" : "MISSED")}') (goal >= 5,000/s)**; outbox entries before the warm-up: $before."
    echo
  } >>"$RESULTS"
fi

# ---------------------------------------------------------------- 4. signed status callbacks
if ! skip callbacks; then
  events_before="$(sqlite3 "$DATA/app.db" "SELECT COUNT(*) FROM status_events WHERE source = 'callback'")"
  export BENCH_CALLBACKS="$WORK/callbacks-warm.tsv"
  run_wrk "callbacks warm-up" "$APP/" callbacks.lua 3 "$APP_PID"
  events_mid="$(sqlite3 "$DATA/app.db" "SELECT COUNT(*) FROM status_events WHERE source = 'callback'")"
  export BENCH_CALLBACKS="$WORK/callbacks.tsv"
  run_wrk "callbacks" "$APP/" callbacks.lua "$DURATION" "$APP_PID"
  events_after="$(sqlite3 "$DATA/app.db" "SELECT COUNT(*) FROM status_events WHERE source = 'callback'")"
  available="$(wc -l <"$WORK/callbacks.tsv")"
  cb_rps="$(field rps)"
  {
    echo "## 4. Signed SMS status callbacks POST /webhooks/twilio/hooks/sms?log=… (X-Twilio-Signature, form body)"
    echo
    echo "| req/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx | socket errors/timeouts | App CPU µs/req (cores) | wrk µs/req | status changes recorded in the run |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    echo "| $cb_rps | $(field p50_ms) | $(field p90_ms) | $(field p99_ms) | $(field max_ms) | $(field non2xx) | $(errors) | $(field server_us) ($(field server_cores)) | $(field wrk_us) | $((events_after - events_mid)) (wrk counted $(field requests); $available distinct callbacks available$( (( $(field requests) > available )) && echo ', so some were repeats' )) |"
    echo
    echo "**$(awk -v r="$cb_rps" 'BEGIN {print (r >= 5000 ? "MET" : "MISSED")}') (goal >= 5,000/s)**"
    echo
    echo "Rows of tenant hooks by status after the run: $(sqlite3 "$DATA/app.db" "SELECT group_concat(status || ' ' || n, ', ') FROM (SELECT status, COUNT(*) n FROM communication_log WHERE tenant_id = 'hooks' GROUP BY status)")"
    echo
  } >>"$RESULTS"
fi

echo "- load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS"
mkdir -p "$BENCH_DIR/results"
cp "$RESULTS" "$BENCH_DIR/results/last-run.md"
echo
cat "$RESULTS"
log "written to bench/results/last-run.md"

if ! skip load; then
  log "the load scenario (bench/load.sh), alone on the machine"
  stop_servers
  SOURCE="$SOURCE" bash "$BENCH_DIR/load.sh"
fi

#!/usr/bin/env bash
# The operator overview at scale (issue 18: "fast for 50+ tenants"). Run on demand, never in CI:
#
#   bash bench/overview.sh
#
# Builds App (Release, into a private temp dir), creates its database, seeds 60 tenants with 2,000,000 messages and
# calls, 500,000 audit rows, 20,000 errors and 600 audio files (bench/sql/seed-operator.sql), starts App with an
# operator key, and times REQUESTS sequential requests (default 200, after 20 to warm up) on one keep-alive
# connection to each of GET /api/system/overview and, for the largest tenant, its profile, failures and operator
# trail. Prints p50/p95/max and writes bench/results/overview-last-run.md. Knobs: REQUESTS, KEEP=1 (keep the temp
# dir), SOURCE=HEAD|<git ref>|worktree as in run.sh.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
REQUESTS="${REQUESTS:-200}"
SOURCE="${SOURCE:-HEAD}"
WORK="$(mktemp -d /tmp/switchboard-overview.XXXXXX)"
RESULTS="$BENCH_DIR/results/overview-last-run.md"
OPERATOR_KEY="op_bench_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
APP_PID=""

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
cleanup() {
  local code=$?
  if [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; then
    kill "$APP_PID" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$APP_PID" 2>/dev/null || true
  fi
  if [[ "${KEEP:-0}" == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$code"
}
trap cleanup EXIT INT TERM
for tool in dotnet curl sqlite3; do command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 1; }; done

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

SRC="$REPO"
if [[ "$SOURCE" != worktree ]]; then
  SRC="$WORK/src"; mkdir -p "$SRC"
  git -C "$REPO" archive "$SOURCE" App Directory.Build.props Directory.Packages.props | tar -x -C "$SRC"
fi
REVISION="$(git -C "$REPO" rev-parse --short "${SOURCE/worktree/HEAD}")"
log "building App ($REVISION, Release) under $WORK"
dotnet publish "$SRC/App/App.csproj" -c Release -o "$WORK/app" -p:SkipSpaBuild=true --artifacts-path "$WORK/artifacts" -nologo -v q \
  >"$WORK/build.log" 2>&1 || { tail -n 30 "$WORK/build.log" >&2; exit 1; }
# Its own file name, so that a "pkill -f App.dll" elsewhere on a shared machine cannot stop the run.
for f in dll runtimeconfig.json deps.json; do cp "$WORK/app/App.$f" "$WORK/app/switchboard-bench.$f"; done

DATA="$WORK/data"; mkdir -p "$DATA"
app_env=(
  App__DataDirectory="$DATA" App__SeedDemoTenant=false ASPNETCORE_ENVIRONMENT=Production Outbox__Enabled=false
  App__MasterKey="$(head -c 32 /dev/urandom | base64)"
  Operator__ApiKey="$OPERATOR_KEY" Serilog__MinimumLevel__Default=Warning Serilog__MinimumLevel__Override__Serilog.AspNetCore=Warning
)
log "creating the database"
(cd "$WORK/app" && env "${app_env[@]}" dotnet switchboard-bench.dll tenant list >/dev/null 2>"$WORK/cli.log") || { cat "$WORK/cli.log" >&2; exit 1; }
log "seeding 60 tenants, 2,000,000 messages and calls, 500,000 audit rows"
seed_start=$SECONDS
sqlite3 "$DATA/app.db" <"$BENCH_DIR/sql/seed-operator.sql"
log "seeded in $((SECONDS - seed_start)) s"

APP="http://127.0.0.1:$(free_port)"
(cd "$WORK/app" && exec env "${app_env[@]}" Urls="$APP" dotnet switchboard-bench.dll >"$WORK/app.log" 2>&1) &
APP_PID=$!
deadline=$((SECONDS + 90))
until curl -fsS -o /dev/null "$APP/health" 2>/dev/null; do
  (( SECONDS < deadline )) && kill -0 "$APP_PID" 2>/dev/null || { log "App did not start"; tail -c 2000 "$WORK/app.log" >&2; exit 1; }
  sleep 0.3
done

# Sequential requests on one connection (curl reuses it for the URLs of one command line); time_total per request.
measure() { # label path
  local label="$1" url="$APP$2" times bytes args=() warm=() i
  for ((i = 0; i < 20; i++)); do warm+=("$url" -o /dev/null); done
  for ((i = 0; i < REQUESTS; i++)); do args+=("$url" -o /dev/null); done
  curl -s -H "X-Operator-Key: $OPERATOR_KEY" "${warm[@]}"
  times="$(curl -s -w '%{time_total}\n' -H "X-Operator-Key: $OPERATOR_KEY" "${args[@]}" | sort -n)"
  bytes="$(curl -s -H "X-Operator-Key: $OPERATOR_KEY" "$url" | wc -c)"
  awk -v label="$label" -v bytes="$bytes" '{ t[NR] = $1 * 1000 } END {
    printf "| %s | %d | %.1f | %.1f | %.1f | %d |\n", label, NR, t[int(NR * 0.5)], t[int(NR * 0.95)], t[NR], bytes }' <<<"$times"
}
{
  echo "# Operator overview benchmark run"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); App $REVISION (Release); dotnet $(dotnet --version)"
  echo "- machine: nproc $(nproc), CPU \"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')\", load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- data: 60 tenants, 2,000,000 communication_log rows (500,000 of tenant t01) over the last 60 days, 500,000 audit rows, 20,000 errors, 600 files"
  echo
  echo "| request | n | p50 ms | p95 ms | max ms | bytes |"
  echo "|---|---:|---:|---:|---:|---:|"
  measure "GET /api/system/overview" "/api/system/overview"
  measure "GET …/tenants/t01/profile" "/api/system/tenants/t01/profile"
  measure "GET …/tenants/t01/failures?limit=20" "/api/system/tenants/t01/failures?limit=20"
  measure "GET …/tenants/t01/audit" "/api/system/tenants/t01/audit"
  measure "GET …/tenants/t01/usage (30 days)" "/api/system/tenants/t01/usage"
} | tee "$RESULTS"

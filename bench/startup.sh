#!/usr/bin/env bash
# What a build of App costs at rest: publish size, start time to the first /health 200, RSS at idle and RSS once one
# SMS has gone through the (simulated) Twilio path. Run on demand, never in CI:
#
#   bash bench/startup.sh                  # compares main with HEAD
#   bash bench/startup.sh 82406b8~1 HEAD   # any git refs; each is exported with git archive and published (Release)
#
# Knobs (environment): ROUNDS (starts per ref, default 7; the refs take turns, so a busy moment on this shared
# machine hits each of them), IDLE_SECONDS (wait before reading the idle RSS, default 10), KEEP=1 keeps the temp dir.
# Prints one line per start and a median summary (markdown), also written to bench/results/startup-last-run.md.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
ROUNDS="${ROUNDS:-7}"
IDLE_SECONDS="${IDLE_SECONDS:-10}"
REFS=("$@")
if [[ ${#REFS[@]} -eq 0 ]]; then REFS=(main HEAD); fi
WORK="$(mktemp -d /tmp/switchboard-startup.XXXXXX)"
APP_PID=""

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

cleanup() {
  local code=$?
  if [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; then kill -9 "$APP_PID" 2>/dev/null || true; fi
  if [[ "${KEEP:-0}" == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$code"
}
trap cleanup EXIT INT TERM

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
rss_mb() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

MASTER_KEY="$(head -c 32 /dev/urandom | base64)"

# ---------------------------------------------------------------- publish each ref (Release, private output dirs)
declare -A LABEL
for i in "${!REFS[@]}"; do
  ref="${REFS[$i]}"; dir="$WORK/v$i"
  LABEL[$i]="$ref ($(git -C "$REPO" rev-parse --short "$ref"))"
  mkdir -p "$dir/src" "$dir/data"
  git -C "$REPO" archive "$ref" App Directory.Build.props Directory.Packages.props | tar -x -C "$dir/src"
  log "publishing ${LABEL[$i]}"
  dotnet publish "$dir/src/App/App.csproj" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -p:UseAppHost=false -o "$dir/app" -p:SkipSpaBuild=true \
    --artifacts-path "$dir/artifacts" -nologo -v q >"$dir/publish.log" 2>&1 || { tail -n 20 "$dir/publish.log" >&2; exit 1; }
  (cd "$dir/app" && env App__DataDirectory="$dir/data" App__MasterKey="$MASTER_KEY" ASPNETCORE_ENVIRONMENT=Production \
     dotnet App.dll tenant create --name "Startup bench" 2>>"$dir/cli.log") >"$dir/tenant.json"
  sed -n 's/.*"api_key": *"\([^"]*\)".*/\1/p' "$dir/tenant.json" >"$dir/api_key"
  [[ -s "$dir/api_key" ]] || { log "no API key from tenant create: $(cat "$dir/tenant.json" "$dir/cli.log")"; exit 1; }
done

# ---------------------------------------------------------------- starts, taking turns
echo "ref,round,start_ms,idle_rss_mb,after_sms_rss_mb,sdk_loaded_at_idle" >"$WORK/starts.csv"
for round in $(seq 1 "$ROUNDS"); do
  for i in "${!REFS[@]}"; do
    dir="$WORK/v$i"; port="$(free_port)"; url="http://127.0.0.1:$port"
    begin="$(now_ms)"
    (cd "$dir/app" && exec env App__DataDirectory="$dir/data" App__MasterKey="$MASTER_KEY" ASPNETCORE_ENVIRONMENT=Production \
       App__SeedDemoTenant=false Urls="$url" App__PublicBaseUrl="$url" dotnet App.dll >"$dir/app-$round.log" 2>&1) &
    APP_PID=$!
    until curl -fsS -o /dev/null "$url/health" 2>/dev/null; do
      kill -0 "$APP_PID" 2>/dev/null || { log "App exited: $(tail -n 20 "$dir/app-$round.log")"; exit 1; }
      sleep 0.01
    done
    started=$(( $(now_ms) - begin ))
    sleep "$IDLE_SECONDS"
    idle="$(rss_mb "$APP_PID")"
    loaded="$(grep -q '/Twilio.dll$' "/proc/$APP_PID/maps" && echo yes || echo no)"
    code="$(curl -s -o "$dir/sms.json" -w '%{http_code}' -X POST "$url/api/communication/sms/send" \
      -H "X-API-Key: $(cat "$dir/api_key")" -H 'Content-Type: application/json' \
      -d "{\"to\": \"+1415555$(printf %04d "$round")\", \"message\": \"Startup bench $round\"}")"
    [[ "$code" == 200 ]] || { log "SMS send answered $code: $(cat "$dir/sms.json")"; exit 1; }
    sleep 8  # the simulator's steps: queued, sending, sent, delivered, 1.5 s apart
    after="$(rss_mb "$APP_PID")"
    kill -TERM "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=""
    echo "$i,$round,$started,$idle,$after,$loaded" >>"$WORK/starts.csv"
    log "${LABEL[$i]} round $round: /health 200 after $started ms, idle RSS $idle MB (Twilio.dll mapped: $loaded), after one SMS $after MB"
  done
done

# ---------------------------------------------------------------- summary
RESULTS="$BENCH_DIR/results/startup-last-run.md"
{
  echo "# App at rest: publish size, start, idle memory"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: nproc $(nproc), CPU \"$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)\", memory $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r)"
  echo "- dotnet $(dotnet --version); Release publish with -p:SkipSpaBuild=true (no SPA bundle); ASPNETCORE_ENVIRONMENT=Production, Twilio simulated"
  echo "- $ROUNDS starts per ref, taking turns; idle RSS read $IDLE_SECONDS s after the first /health 200; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| ref | publish folder | Twilio SDK files | start to /health 200 (median, min–max) | idle RSS (median) | RSS after one SMS (median) | Twilio.dll mapped at idle |"
  echo "|---|---:|---:|---:|---:|---:|---|"
  for i in "${!REFS[@]}"; do
    dir="$WORK/v$i"
    size="$(du -sb "$dir/app" | awk '{ printf "%.1f MB", $1 / 1000000 }')"
    sdk="$(find "$dir/app" -maxdepth 1 \( -name Twilio.dll -o -name Newtonsoft.Json.dll -o -name 'Microsoft.IdentityModel.*.dll' \
      -o -name System.IdentityModel.Tokens.Jwt.dll \) -printf '%s\n' | awk '{ t += $1 } END { if (NR) printf "%.1f MB (%d files)", t / 1000000, NR; else print "none" }')"
    rows="$(awk -F, -v i="$i" '$1 == i' "$WORK/starts.csv")"
    start="$(cut -d, -f3 <<<"$rows" | median)"; low="$(cut -d, -f3 <<<"$rows" | sort -n | head -n1)"; high="$(cut -d, -f3 <<<"$rows" | sort -n | tail -n1)"
    idle="$(cut -d, -f4 <<<"$rows" | median)"; after="$(cut -d, -f5 <<<"$rows" | median)"
    loaded="$(cut -d, -f6 <<<"$rows" | sort | uniq -c | awk '{ printf "%s%s ×%s", (NR > 1 ? ", " : ""), $2, $1 }')"
    echo "| ${LABEL[$i]} | $size | $sdk | $start ms ($low–$high) | $idle MB | $after MB | $loaded |"
  done
  echo
  echo "Every start:"
  echo
  echo '```'
  cat "$WORK/starts.csv"
  echo '```'
} | tee "$RESULTS"

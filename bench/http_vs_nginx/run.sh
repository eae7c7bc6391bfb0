#!/usr/bin/env bash
# HTTP server benchmark: store_hello_server's GET /v1/hello against nginx serving a small static
# file, both driven in the same run with an open-model load by store_loadgen (bench/loadgen):
# requests are due at fixed, evenly spaced times and latency is measured from the time a request
# was due, so a slow server shows up as latency (no coordinated omission).
#
# The offered rate steps up; a step passes when achieved >= 99% of offered, no request failed or
# was left unanswered, and p99 < 5 ms. A server's saturation throughput is its highest passing
# rate; the sweep stops after two failing steps in a row. Then:
#   - sanity checks of the generator (a 20 ms endpoint; an overloaded one, where latency must grow),
#   - a k6 cross-check at one moderate rate (both generators should agree on latency there),
#   - a closed-model capacity check with wrk.
#
#   bench/http_vs_nginx/run.sh                       # defaults, about 6-8 minutes
#   RATES="10000 50000 90000" STEP_SECONDS=5 bench/http_vs_nginx/run.sh
#
# Servers are pinned to CPU 0 and the generators to CPU 1 (taskset) so they do not steal from each
# other. Needs: nginx (/usr/sbin/nginx), taskset, jq, curl, release builds of store_hello_server and
# store_loadgen (built here when missing), k6 (built here from the Go module proxy when missing;
# SKIP_K6=1 skips the cross-check) and wrk (optional).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build/release}
HELLO=${HELLO_BIN:-$BUILD_DIR/libs/http/store_hello_server}
LOADGEN=${LOADGEN_BIN:-$BUILD_DIR/bench/loadgen/store_loadgen}
K6_VERSION=${K6_VERSION:-v1.3.0}
K6=${K6_BIN:-$ROOT/build/tools/k6}
NGINX=${NGINX_BIN:-/usr/sbin/nginx}
RATES=${RATES:-"5000 10000 20000 30000 40000 50000 60000 70000 80000 90000 100000 110000 120000 130000 140000 150000 160000 180000 200000"}
STEP_SECONDS=${STEP_SECONDS:-10}
WARMUP_SECONDS=${WARMUP_SECONDS:-1}
CONNECTIONS=${CONNECTIONS:-64}
CHECK_RATE=${CHECK_RATE:-2000}
SKIP_K6=${SKIP_K6:-0}
NGINX_PORT=${NGINX_PORT:-18081}
HELLO_PORT=${HELLO_PORT:-18082}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
P99_LIMIT_MS=5

log() { echo "[bench] $*" >&2; }

build_tools() {
  [[ -x $HELLO && -x $LOADGEN ]] && return
  log "building store_hello_server and store_loadgen (release) in $BUILD_DIR"
  if [[ ! -d $BUILD_DIR ]]; then
    if [[ $BUILD_DIR == "$ROOT/build/release" ]]; then
      (cd "$ROOT" && cmake --preset release >/dev/null)
    else
      cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="-O2 -DNDEBUG" >/dev/null
    fi
  fi
  cmake --build "$BUILD_DIR" -j2 --target store_hello_server store_loadgen
}

# `go install go.k6.io/k6@version` can fail on the module list lookup; downloading the module
# and building inside its directory works.
build_k6() {
  [[ $SKIP_K6 == 1 || -x $K6 ]] && return
  command -v go >/dev/null || { log "k6 is missing and there is no Go toolchain to build it (SKIP_K6=1 skips it)"; exit 1; }
  log "building k6 $K6_VERSION with $(go version)"
  local dir
  dir=$(go mod download -json "go.k6.io/k6@$K6_VERSION" | jq -r .Dir)
  mkdir -p "$(dirname "$K6")"
  (cd "$dir" && go build -o "$K6" .)
}

start_nginx() {
  mkdir -p "$WORK/nginx/www/v1" "$WORK/nginx/logs"
  printf '{"message":"hello"}' >"$WORK/nginx/www/v1/hello"
  cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
user root;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log $WORK/nginx/logs/access.log;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/nginx/www;
    location = /v1/hello { default_type application/json; }
  }
}
CONF
  taskset -c "$SERVER_CPU" "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
  NGINX_PID=$!
}

start_hello() {
  # The hello server writes one JSON access-log line per request, like nginx's access log.
  HELLO_HTTP_HOST=127.0.0.1 HELLO_HTTP_PORT=$HELLO_PORT HELLO_HTTP_THREADS=1 \
    taskset -c "$SERVER_CPU" "$HELLO" 2>"$WORK/hello.log" &
  HELLO_PID=$!
}

wait_ready() {
  local url=$1
  for _ in $(seq 1 50); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return
    sleep 0.1
  done
  log "server at $url did not come up"
  exit 1
}

cleanup() {
  [[ -n ${NGINX_PID:-} ]] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null || true
  [[ -n ${HELLO_PID:-} ]] && kill "$HELLO_PID" 2>/dev/null && wait "$HELLO_PID" 2>/dev/null || true
  rm -rf "$WORK"
}

# CPU time (clock ticks) a process has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# loadgen OUT URL RATE SECONDS [extra store_loadgen flags...]: one store_loadgen run, JSON in OUT.
loadgen() {
  local out=$1 url=$2 rate=$3 secs=$4
  shift 4
  taskset -c "$LOAD_CPU" "$LOADGEN" --url "$url" --rate "$rate" --duration "$secs" --warmup "$WARMUP_SECONDS" \
    --connections "$CONNECTIONS" --json "$@" >"$out"
}

# run_step NAME URL RATE PID -> prints the TSV row
#   offered achieved errors unfinished p50 p90 p99 p99.9 max server_cpu% loadgen_busy% loadgen_stalls verdict
run_step() {
  local name=$1 url=$2 rate=$3 pid=$4
  local out="$WORK/$name-$rate.json"
  local ticks_before ticks_after ns_before ns_after
  ticks_before=$(cpu_ticks "$pid")
  ns_before=$(date +%s%N)
  loadgen "$out" "$url" "$rate" "$STEP_SECONDS"
  ns_after=$(date +%s%N)
  ticks_after=$(cpu_ticks "$pid")
  # The server's CPU use, % of one core, averaged over the whole run (warm-up and drain included).
  local cpu=$(( (ticks_after - ticks_before) * 100 * 1000000000 / $(getconf CLK_TCK) / (ns_after - ns_before) ))
  jq -r --argjson limit "$P99_LIMIT_MS" --argjson cpu "$cpu" '
    . as $r | .latency_ms as $l
    | [($r.offered_rps | floor), ($r.achieved_rps | floor), $r.errors, $r.unfinished,
       $l.p50, $l.p90, $l.p99, $l.p99_9, $l.max, $cpu, ($r.loadgen_busy_percent | round),
       "\($r.loadgen_stalls_over_1ms) (\($r.loadgen_max_stall_ms * 10 | round / 10))",
       (if ($r.achieved_rps >= 0.99 * $r.offered_rps and $r.errors == 0 and $r.unfinished == 0 and $l.p99 < $limit)
        then "pass" else "FAIL" end)]
    | map(if type == "number" and . != floor then (. * 1000 | round / 1000) else . end)
    | @tsv' "$out"
}

# sweep NAME URL PID -> prints the saturation rate; the table rows go to $WORK/NAME.rows
sweep() {
  local name=$1 url=$2 pid=$3 best=0 fails=0
  for rate in $RATES; do
    local row
    row=$(run_step "$name" "$url" "$rate" "$pid")
    echo "$row" >>"$WORK/$name.rows"
    log "$name $(echo "$row" | awk -F'\t' '{printf "offered=%s achieved=%s errors=%s unfinished=%s p50=%sms p99=%sms max=%sms server_cpu=%s%% loadgen_busy=%s%% loadgen_stalls=%s %s", $1, $2, $3, $4, $5, $7, $9, $10, $11, $12, $13}')"
    if [[ $(echo "$row" | cut -f13) == pass ]]; then
      best=$rate
      fails=0
    else
      fails=$((fails + 1))
      # Two failing steps in a row: past saturation.
      ((fails >= 2)) && break
    fi
    sleep 1  # let the last step's backlog clear
  done
  echo "$best"
}

# The generator itself: against a 20 ms endpoint its p50 must be >= 20 ms; and when the offered
# rate exceeds what the connections can carry (4 connections x 20 ms = 200 req/s, offered 400), the
# latency must keep growing with the queue instead of staying at 20 ms (no coordinated omission).
sanity_checks() {
  local url="http://127.0.0.1:$HELLO_PORT/v1/slow?ms=20"
  loadgen "$WORK/slow.json" "$url" 1000 5
  CONNECTIONS=4 loadgen "$WORK/overload.json" "$url" 400 5 --drain 1
  echo
  echo "store_loadgen sanity checks (hello server's GET /v1/slow?ms=20, 5 s):"
  jq -r '"  1000 req/s, 64 connections: achieved \(.achieved_rps|floor) req/s, p50 \(.latency_ms.p50) ms, p99 \(.latency_ms.p99) ms -> "
         + (if .latency_ms.p50 >= 20 then "ok (p50 >= 20 ms)" else "WRONG (p50 < 20 ms)" end)' "$WORK/slow.json"
  jq -r '"  400 req/s, 4 connections (capacity 200 req/s): achieved \(.achieved_rps|floor) req/s, p50 \(.latency_ms.p50) ms, p90 \(.latency_ms.p90) ms, max \(.latency_ms.max) ms, unfinished \(.unfinished) -> "
         + (if .latency_ms.p50 >= 500 then "ok (latency grows with the queue)" else "WRONG (latency does not grow: coordinated omission?)" end)' "$WORK/overload.json"
}

# k6 and store_loadgen at the same moderate rate against both servers: the latencies should agree.
cross_check() {
  [[ $SKIP_K6 == 1 ]] && return
  echo
  echo "cross-check at $CHECK_RATE req/s for ${STEP_SECONDS}s (k6 constant-arrival-rate vs store_loadgen):"
  echo
  echo "| server | generator | achieved req/s | failed | p50 ms | p90 ms | p99 ms | max ms |"
  echo "|---|---|---|---|---|---|---|---|"
  local vus=$((CHECK_RATE / 100 + 20))
  for pair in "nginx $NGINX_PORT" "hello $HELLO_PORT"; do
    set -- $pair
    local url="http://127.0.0.1:$2/v1/hello"
    RATE=$CHECK_RATE DURATION=${STEP_SECONDS}s VUS=$vus MAX_VUS=$((vus * 10)) URL=$url SUMMARY="$WORK/k6-$1.json" \
      taskset -c "$LOAD_CPU" "$K6" run --quiet --no-color --no-usage-report "$ROOT/bench/http_vs_nginx/load.js" \
      >"$WORK/k6-$1.out" 2>&1 || true
    jq -r --arg n "$1" --argjson secs "$STEP_SECONDS" '.metrics as $m | $m.http_req_duration.values as $d
      | "| \($n) | k6 | \(($m.http_reqs.values.count // 0) / $secs | floor) | \($m.http_req_failed.values.rate // 1) | \($d["p(50)"]*1000|round/1000) | \($d["p(90)"]*1000|round/1000) | \($d["p(99)"]*1000|round/1000) | \($d.max*1000|round/1000) |"' \
      "$WORK/k6-$1.json"
    loadgen "$WORK/check-$1.json" "$url" "$CHECK_RATE" "$STEP_SECONDS"
    jq -r --arg n "$1" '.latency_ms as $l
      | "| \($n) | store_loadgen | \(.achieved_rps|floor) | \(.errors) | \($l.p50*1000|round/1000) | \($l.p90*1000|round/1000) | \($l.p99*1000|round/1000) | \($l.max*1000|round/1000) |"' \
      "$WORK/check-$1.json"
  done
}

# A closed-model run shows each server's own capacity on its core, independent of the open-model
# criterion.
capacity_check() {
  command -v wrk >/dev/null || return 0
  echo
  echo "capacity check, closed model (wrk -t1 -c32 -d${STEP_SECONDS}s, not the open-model criterion):"
  for pair in "nginx $NGINX_PORT" "store_hello_server $HELLO_PORT"; do
    set -- $pair
    taskset -c "$LOAD_CPU" wrk -t1 -c32 -d"${STEP_SECONDS}s" --latency "http://127.0.0.1:$2/v1/hello" >"$WORK/wrk-$1.out"
    awk -v n="$1" '/Requests\/sec/ { rps = $2 } $1 == "99%" { p99 = $2 } END { printf "  %-19s %s req/s, p99 %s\n", n ":", rps, p99 }' "$WORK/wrk-$1.out"
  done
}

main() {
  build_tools
  build_k6
  WORK=$(mktemp -d /tmp/http_vs_nginx.XXXXXX)
  chmod 755 "$WORK"
  trap cleanup EXIT
  start_nginx
  start_hello
  wait_ready "http://127.0.0.1:$NGINX_PORT/v1/hello"
  wait_ready "http://127.0.0.1:$HELLO_PORT/v1/hello"

  log "store_loadgen, $CONNECTIONS connections, ${WARMUP_SECONDS}s warm-up + ${STEP_SECONDS}s per step; rates: $RATES"
  local nginx_best hello_best nginx_worker
  nginx_worker=$(pgrep -P "$NGINX_PID" | head -1)
  nginx_best=$(sweep nginx "http://127.0.0.1:$NGINX_PORT/v1/hello" "$nginx_worker")
  hello_best=$(sweep hello "http://127.0.0.1:$HELLO_PORT/v1/hello" "$HELLO_PID")

  echo
  echo "| server | offered req/s | achieved req/s | errors | unfinished | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | server CPU % | loadgen busy % | loadgen stalls > 1 ms (max ms) | step |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for name in nginx hello; do
    sed "s/^/| $name | /; s/\t/ | /g; s/\$/ |/" "$WORK/$name.rows"
  done
  echo
  echo "saturation (achieved >= 99% of offered, 0 errors, 0 unfinished, p99 < ${P99_LIMIT_MS} ms):"
  echo "  nginx:              $nginx_best req/s"
  echo "  store_hello_server: $hello_best req/s"
  if ((nginx_best > 0)); then
    echo "  ratio hello/nginx:  $(awk -v a="$hello_best" -v b="$nginx_best" 'BEGIN { printf "%.2f", a / b }')"
  fi
  # The generator's own load at the highest rate it drove: if it is far from 100 % busy there,
  # the generator was not what limited the sweep.
  awk -F'\t' '{ busy[$1] = $11; achieved[$1] = $2 } END { m = 0; for (r in busy) if (r + 0 > m) m = r + 0;
    printf "  store_loadgen at its highest step (nginx, %d req/s offered, %d achieved): busy %s%%\n", m, achieved[m], busy[m] }' \
    "$WORK/nginx.rows"

  sanity_checks
  cross_check
  capacity_check
}

main "$@"

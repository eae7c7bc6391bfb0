#!/usr/bin/env bash
# HTTP server benchmark: store_hello_server's GET /v1/hello against nginx serving a small
# static file, both driven in the same run by k6 with an open-model load (constant-arrival-rate).
# The offered rate steps up; a step passes when achieved >= 99% of offered, no request failed
# and p99 < 5 ms. The saturation throughput of a server is its highest passing rate.
#
#   bench/http_vs_nginx/run.sh                       # default rate steps, 10 s each
#   RATES="2000 4000 8000" STEP_SECONDS=5 bench/http_vs_nginx/run.sh
#
# Servers are pinned to CPU 0 and k6 to CPU 1 (taskset) so they do not steal from each other.
# Needs: nginx (/usr/sbin/nginx), taskset, jq, a release build of store_hello_server (built
# here when missing) and k6 (built here from the Go module proxy when missing).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build/release}
HELLO=${HELLO_BIN:-$BUILD_DIR/libs/http/store_hello_server}
K6_VERSION=${K6_VERSION:-v1.3.0}
K6=${K6_BIN:-$ROOT/build/tools/k6}
NGINX=${NGINX_BIN:-/usr/sbin/nginx}
RATES=${RATES:-"1000 2000 3000 3500 4000 4500 5000 6000 8000 10000 12000 15000 20000"}
STEP_SECONDS=${STEP_SECONDS:-10}
NGINX_PORT=${NGINX_PORT:-18081}
HELLO_PORT=${HELLO_PORT:-18082}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
P99_LIMIT_MS=5

log() { echo "[bench] $*" >&2; }

build_hello() {
  [[ -x $HELLO ]] && return
  log "building store_hello_server (release) in $BUILD_DIR"
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="-O2 -DNDEBUG" >/dev/null
  cmake --build "$BUILD_DIR" -j2 --target store_hello_server
}

# `go install go.k6.io/k6@version` can fail on the module list lookup; downloading the module
# and building inside its directory works.
build_k6() {
  [[ -x $K6 ]] && return
  command -v go >/dev/null || { log "k6 is missing and there is no Go toolchain to build it"; exit 1; }
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

# run_step NAME URL RATE PID -> prints "offered achieved failed_rate p99_ms server_cpu% pass"
run_step() {
  local name=$1 url=$2 rate=$3 pid=$4
  local summary="$WORK/$name-$rate.json"
  local vus=$((rate / 100 + 20))
  local ticks_before
  ticks_before=$(cpu_ticks "$pid")
  RATE=$rate DURATION=${STEP_SECONDS}s VUS=$vus MAX_VUS=$((vus * 10)) URL=$url SUMMARY=$summary \
    taskset -c "$LOAD_CPU" "$K6" run --quiet --no-color --no-usage-report "$ROOT/bench/http_vs_nginx/load.js" \
    >"$WORK/$name-$rate.out" 2>&1 || true
  local cpu
  cpu=$(( ($(cpu_ticks "$pid") - ticks_before) * 100 / $(getconf CLK_TCK) / STEP_SECONDS ))
  jq -r --argjson rate "$rate" --argjson secs "$STEP_SECONDS" --argjson limit "$P99_LIMIT_MS" --argjson cpu "$cpu" '
    (.metrics.http_reqs.values.count // 0) as $n
    | (.metrics.http_req_failed.values.rate // 1) as $failed
    | (.metrics.http_req_duration.values["p(99)"] // 1e9) as $p99
    | ($n / $secs) as $achieved
    | [$rate, ($achieved | floor), $failed, ($p99 * 1000 | round / 1000), $cpu,
       (if ($achieved >= 0.99 * $rate and $failed == 0 and $p99 < $limit) then "pass" else "FAIL" end)]
    | @tsv' "$summary"
}

# sweep NAME URL PID -> prints the saturation rate; the table rows go to $WORK/NAME.rows
sweep() {
  local name=$1 url=$2 pid=$3 best=0 fails=0
  for rate in $RATES; do
    local row
    row=$(run_step "$name" "$url" "$rate" "$pid")
    echo "$row" >>"$WORK/$name.rows"
    log "$name $(echo "$row" | awk '{printf "offered=%s achieved=%s failed=%s p99=%sms server_cpu=%s%% %s", $1, $2, $3, $4, $5, $6}')"
    if [[ $(echo "$row" | cut -f6) == pass ]]; then
      best=$rate
      fails=0
    else
      fails=$((fails + 1))
      # Two failing steps in a row: past saturation.
      ((fails >= 2)) && break
    fi
  done
  echo "$best"
}

main() {
  build_hello
  build_k6
  WORK=$(mktemp -d /tmp/http_vs_nginx.XXXXXX)
  chmod 755 "$WORK"
  trap cleanup EXIT
  start_nginx
  start_hello
  wait_ready "http://127.0.0.1:$NGINX_PORT/v1/hello"
  wait_ready "http://127.0.0.1:$HELLO_PORT/v1/hello"

  log "k6 $("$K6" version | head -1); steps of ${STEP_SECONDS}s; rates: $RATES"
  local nginx_best hello_best
  local nginx_worker
  nginx_worker=$(pgrep -P "$NGINX_PID" | head -1)
  nginx_best=$(sweep nginx "http://127.0.0.1:$NGINX_PORT/v1/hello" "$nginx_worker")
  hello_best=$(sweep hello "http://127.0.0.1:$HELLO_PORT/v1/hello" "$HELLO_PID")

  echo
  echo "| server | offered req/s | achieved req/s | failed | p99 ms | server CPU % | step |"
  echo "|---|---|---|---|---|---|---|"
  for name in nginx hello; do
    while IFS=$'\t' read -r offered achieved failed p99 cpu verdict; do
      echo "| $name | $offered | $achieved | $failed | $p99 | $cpu | $verdict |"
    done <"$WORK/$name.rows"
  done
  echo
  echo "saturation (achieved >= 99% of offered, 0 errors, p99 < ${P99_LIMIT_MS} ms):"
  echo "  nginx:              $nginx_best req/s"
  echo "  store_hello_server: $hello_best req/s"
  if ((nginx_best > 0)); then
    echo "  ratio hello/nginx:  $(awk -v a="$hello_best" -v b="$nginx_best" 'BEGIN { printf "%.2f", a / b }')"
  fi

  # k6 is a heavy generator: on one core it can run out of CPU before a server does (then both
  # saturate at the same rate). A closed-model wrk run shows each server's own capacity.
  if command -v wrk >/dev/null; then
    echo
    echo "capacity check, closed model (wrk -t1 -c32 -d${STEP_SECONDS}s, not the open-model criterion):"
    for pair in "nginx $NGINX_PORT" "store_hello_server $HELLO_PORT"; do
      set -- $pair
      taskset -c "$LOAD_CPU" wrk -t1 -c32 -d"${STEP_SECONDS}s" --latency "http://127.0.0.1:$2/v1/hello" >"$WORK/wrk-$1.out"
      awk -v n="$1" '/Requests\/sec/ { rps = $2 } $1 == "99%" { p99 = $2 } END { printf "  %-19s %s req/s, p99 %s\n", n ":", rps, p99 }' "$WORK/wrk-$1.out"
    done
  fi
}

main "$@"

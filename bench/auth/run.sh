#!/usr/bin/env bash
# Auth benchmark: what token verification costs at the gateway and in a service, and how many
# logins per second the Argon2id password hash allows.
#
# 1. Verification cost, open model (store_loadgen, no coordinated omission), the same rates and
#    the same run for every route, interleaved (for each rate: every route one after the other):
#      gw  unauth    GET /api/user/healthz                          nginx -> service, no token anywhere
#      gw  svc-auth  GET /api/user/v1/auth/introspect   + Bearer    nginx passes it on; the SERVICE verifies
#                                                                    (EdDSA signature, claims, Redis revocation lookup)
#      gw  gw+svc    GET /api/user/_bench/authenticated + Bearer    nginx auth_request (verdict cache on) AND the
#                                                                    service verifies (the protected-route path)
#      gw  gw+svc nocache   the same with GATEWAY_AUTH_CACHE=off     one introspection per request
#      direct unauth / svc-auth   the two service routes without nginx
#    /api/user/_bench/authenticated exists only in this benchmark's rendered copy of the gateway
#    config: a protected location (auth_request) whose upstream is the service's authenticated
#    introspection handler, the cheapest authenticated handler there is (no database).
#    Verdict: p99(authenticated) - p99(unauthenticated) < 1 ms at every rate.
# 2. Login throughput: POST /v1/auth/login straight to the service (the gateway's login limit would
#    stop a benchmark), stepping the rate up; the highest rate with achieved >= 99 % of offered,
#    no errors and p99 < 500 ms. The service hashes on USER_PASSWORD_HASH_THREADS=1 thread, pinned
#    with the service to one core, so the bound is 1000 / (one Argon2id hash in ms), measured by
#    store_argon2_cost with the service's parameters.
#
#   bench/auth/run.sh                                   # about 6 minutes
#   RATES="1000 3000" STEP_SECONDS=5 LOGIN_RATES="4 8 12" bench/auth/run.sh
#
# Needs the engines (MariaDB and Redis of ./store up or ./store engines; export STORE_STATE as
# for ./store), nginx, taskset, jq, curl, and release builds of store_user, store_loadgen and
# store_argon2_cost (built here when missing). The service and nginx run on CPU 0, the load
# generator on CPU 1.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
while IFS='=' read -r key value; do
  case $key in ''|\#*) continue ;; esac
  [ -n "${!key:-}" ] || export "$key=$value"
done < "$ROOT/deploy/ports.env"

BUILD_DIR=${BUILD_DIR:-$ROOT/build/release}
USER_BIN=${USER_BIN:-$BUILD_DIR/services/user/store_user}
LOADGEN=${LOADGEN_BIN:-$BUILD_DIR/bench/loadgen/store_loadgen}
ARGON2=${ARGON2_BIN:-$BUILD_DIR/bench/auth/store_argon2_cost}
NGINX=${NGINX_BIN:-/usr/sbin/nginx}
RATES=${RATES:-"1000 2000 4000"}
STEP_SECONDS=${STEP_SECONDS:-10}
WARMUP_SECONDS=${WARMUP_SECONDS:-1}
CONNECTIONS=${CONNECTIONS:-32}
LOGIN_RATES=${LOGIN_RATES:-"2 4 6 8 10 12 14 16 18 20 24"}
LOGIN_SECONDS=${LOGIN_SECONDS:-10}
USER_PORT=${BENCH_USER_PORT:-18283}
GW_PORT=${BENCH_GATEWAY_PORT:-18281}
GW_NOCACHE_PORT=${BENCH_GATEWAY_NOCACHE_PORT:-18282}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
ARGON2_OPS=${ARGON2_OPS:-3}          # the service's defaults (services/user/config, password.*)
ARGON2_MEMORY_MIB=${ARGON2_MEMORY_MIB:-64}
EMAIL=bench-admin@example.test
PASSWORD="bench password that is long enough 7"

log() { echo "[bench] $*" >&2; }

build_tools() {
  [[ -x $USER_BIN && -x $LOADGEN && -x $ARGON2 ]] && return
  log "building store_user, store_loadgen and store_argon2_cost (release) in $BUILD_DIR"
  [[ -d $BUILD_DIR ]] || (cd "$ROOT" && cmake --preset release >/dev/null)
  cmake --build "$BUILD_DIR" -j2 --target store_user store_loadgen store_argon2_cost
}

mariadb_exec() {
  mariadb -h "$STORE_HOST" -P "$STORE_MARIADB_PORT" -u "$STORE_MARIADB_USER" -p"$STORE_MARIADB_PASSWORD" -e "$1"
}

cleanup() {
  local p
  for p in ${NGINX_PIDS:-} ${USER_PID:-}; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  [[ -n ${DB:-} ]] && mariadb_exec "DROP DATABASE IF EXISTS \`$DB\`" 2>/dev/null || true
  if [[ -n ${DB:-} ]] && command -v redis-cli >/dev/null; then
    redis-cli -h "$STORE_HOST" -p "$STORE_REDIS_PORT" --scan --pattern "bench_auth_$$:*" |
      xargs -r -n 500 redis-cli -h "$STORE_HOST" -p "$STORE_REDIS_PORT" del >/dev/null 2>&1 || true
  fi
  [[ -n ${WORK:-} && -z ${KEEP_WORK:-} ]] && rm -rf "$WORK"
}

wait_ok() {
  for _ in $(seq 1 300); do curl -fsS -o /dev/null "$1" 2>/dev/null && return; sleep 0.1; done
  log "$1 did not come up"; exit 1
}

start_user() {
  DB=bench_auth_$$
  mariadb_exec "CREATE DATABASE \`$DB\`"
  (cd "$ROOT" && USER_HTTP_PORT=$USER_PORT USER_HTTP_THREADS=1 USER_DB_DATABASE=$DB \
     USER_DB_HOST=$STORE_HOST USER_DB_PORT=$STORE_MARIADB_PORT USER_CACHE_PORT=$STORE_REDIS_PORT \
     USER_REDIS_KEY_PREFIX="bench_auth_$$:" USER_AUTH_DEV_KEY_FILE="$WORK/signing-key.pem" \
     USER_AUTH_ACCESS_TOKEN_TTL=15m USER_OIDC_PROVIDERS= \
     USER_ADMIN_BOOTSTRAP_EMAIL=$EMAIL USER_ADMIN_BOOTSTRAP_PASSWORD="$PASSWORD" \
     USER_ABUSE_LOGIN_PER_IP=1000000 USER_PASSWORD_HASH_THREADS=1 \
     USER_PASSWORD_ARGON2_OPS=$ARGON2_OPS USER_PASSWORD_ARGON2_MEMORY=${ARGON2_MEMORY_MIB}MiB USER_LOG_LEVEL=warn \
     exec taskset -c "$SERVER_CPU" "$USER_BIN" services/user/config/defaults.conf) >"$WORK/user.log" 2>&1 &
  USER_PID=$!
  wait_ok "http://127.0.0.1:$USER_PORT/readyz"
}

# start_gateway PORT CACHE(on|off): the real config, limits opened up (one client address sends
# thousands of requests per second here), plus the benchmark's protected location.
start_gateway() {
  local port=$1 cache=$2 dir=$WORK/gateway-$1
  GATEWAY_PORT=$port GATEWAY_USER_PORT=$USER_PORT GATEWAY_WORKERS=1 GATEWAY_AUTH_CACHE=$cache \
    GATEWAY_RATE=100000000r/s GATEWAY_BURST=100000000 GATEWAY_CONN_LIMIT=60000 \
    "$ROOT/deploy/nginx/render.sh" "$dir"
  local bench_location='    location = /api/user/_bench/authenticated {\n      auth_request /_auth;\n      proxy_pass http://user_service/v1/auth/introspect;\n    }\n'
  sed -i "s|^    # --- user service ---|${bench_location}    # --- user service ---|" "$dir/conf/nginx.conf"
  grep -q "_bench/authenticated" "$dir/conf/nginx.conf" || { log "could not add the bench location"; exit 1; }
  "$NGINX" -q -t -p "$dir" -c "$dir/conf/nginx.conf"
  taskset -c "$SERVER_CPU" "$NGINX" -p "$dir" -c "$dir/conf/nginx.conf" 2>"$WORK/nginx-$port.log" &
  NGINX_PIDS="${NGINX_PIDS:-} $!"
  wait_ok "http://127.0.0.1:$port/healthz"
}

login_token() {
  curl -fsS -X POST "http://127.0.0.1:$USER_PORT/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" | jq -r .access_token
}

# loadgen OUT URL RATE SECONDS [flags...]
loadgen() {
  local out=$1 url=$2 rate=$3 secs=$4
  shift 4
  taskset -c "$LOAD_CPU" "$LOADGEN" --url "$url" --rate "$rate" --duration "$secs" --warmup "$WARMUP_SECONDS" \
    --connections "$CONNECTIONS" --json "$@" >"$out"
}

# row NAME RATE JSON -> "| name | offered | achieved | errors | p50 | p90 | p99 | p99.9 | max | cpu service | cpu nginx |"
row() {
  local cpu="- -"; [[ -f $3.cpu ]] && cpu=$(cat "$3.cpu")
  jq -r --arg n "$1" --arg cpu "$cpu" '.latency_ms as $l | ($cpu | split(" ")) as $c | "| \($n) | \(.offered_rps|floor) | \(.achieved_rps|floor) | \(.errors + .unfinished) | \($l.p50*1000|round/1000) | \($l.p90*1000|round/1000) | \($l.p99*1000|round/1000) | \($l.p99_9*1000|round/1000) | \($l.max*1000|round/1000) | \($c[0]) | \($c[1]) |"' "$3"
}

p99() { jq -r '.latency_ms.p99' "$1"; }

# CPU time (clock ticks) used so far by the service and by every nginx worker: the cost of a
# request in CPU time, which other processes sharing the core cannot inflate (latency they can).
cpu_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
nginx_workers() { local m; for m in $NGINX_PIDS; do pgrep -P "$m"; done; }

# measured OUT URL RATE SECONDS [flags...]: loadgen, plus OUT.cpu = "service_us_per_req nginx_us_per_req"
measured() {
  local out=$1 rate=$3 secs=$4 s0 n0 s1 n1
  s0=$(cpu_ticks "$USER_PID"); n0=$(cpu_ticks $(nginx_workers))
  loadgen "$@"
  s1=$(cpu_ticks "$USER_PID"); n1=$(cpu_ticks $(nginx_workers))
  awk -v s=$((s1 - s0)) -v n=$((n1 - n0)) -v hz="$(getconf CLK_TCK)" -v reqs="$(awk -v r="$rate" -v d="$secs" -v w="$WARMUP_SECONDS" 'BEGIN{print r * (d + w)}')" \
    'BEGIN { printf "%.1f %.1f\n", s * 1e6 / hz / reqs, n * 1e6 / hz / reqs }' >"$out.cpu"
}

verification() {
  echo
  echo "## Token verification cost (open model, ${STEP_SECONDS}s per route and rate, $CONNECTIONS connections)"
  echo
  echo "| route | offered req/s | achieved req/s | errors | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | service CPU µs/req | nginx CPU µs/req |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  local rate token verdict=pass
  : >"$WORK/deltas"
  for rate in $RATES; do
    token=$(login_token)
    [[ -n $token && $token != null ]] || { log "login failed: $(tail -5 "$WORK/user.log")"; exit 1; }
    local auth="Authorization: Bearer $token" gw="http://127.0.0.1:$GW_PORT" nc="http://127.0.0.1:$GW_NOCACHE_PORT"
    local svc="http://127.0.0.1:$USER_PORT"
    measured "$WORK/gu-$rate.json" "$gw/api/user/healthz" "$rate" "$STEP_SECONDS"
    measured "$WORK/gs-$rate.json" "$gw/api/user/v1/auth/introspect" "$rate" "$STEP_SECONDS" --header "$auth"
    measured "$WORK/gg-$rate.json" "$gw/api/user/_bench/authenticated" "$rate" "$STEP_SECONDS" --header "$auth"
    measured "$WORK/gn-$rate.json" "$nc/api/user/_bench/authenticated" "$rate" "$STEP_SECONDS" --header "$auth"
    measured "$WORK/du-$rate.json" "$svc/healthz" "$rate" "$STEP_SECONDS"
    measured "$WORK/ds-$rate.json" "$svc/v1/auth/introspect" "$rate" "$STEP_SECONDS" --header "$auth"
    row "gateway, unauthenticated (healthz)" "$rate" "$WORK/gu-$rate.json"
    row "gateway, service verifies (introspect)" "$rate" "$WORK/gs-$rate.json"
    row "gateway auth_request (cache on) + service verifies" "$rate" "$WORK/gg-$rate.json"
    row "gateway auth_request (cache off) + service verifies" "$rate" "$WORK/gn-$rate.json"
    row "direct, unauthenticated (healthz)" "$rate" "$WORK/du-$rate.json"
    row "direct, service verifies (introspect)" "$rate" "$WORK/ds-$rate.json"
    local base d_s d_g d_n d_d
    base=$(p99 "$WORK/gu-$rate.json")
    d_s=$(awk -v a="$(p99 "$WORK/gs-$rate.json")" -v b="$base" 'BEGIN{printf "%.3f", a-b}')
    d_g=$(awk -v a="$(p99 "$WORK/gg-$rate.json")" -v b="$base" 'BEGIN{printf "%.3f", a-b}')
    d_n=$(awk -v a="$(p99 "$WORK/gn-$rate.json")" -v b="$base" 'BEGIN{printf "%.3f", a-b}')
    d_d=$(awk -v a="$(p99 "$WORK/ds-$rate.json")" -v b="$(p99 "$WORK/du-$rate.json")" 'BEGIN{printf "%.3f", a-b}')
    echo "$rate $d_s $d_g $d_n $d_d" >>"$WORK/deltas"
    # CPU per request added by verification (service + nginx), against the unauthenticated route
    # through the same path
    local cu cs cg cn cdu cds
    cu=$(awk '{print $1 + $2}' "$WORK/gu-$rate.json.cpu"); cs=$(awk '{print $1 + $2}' "$WORK/gs-$rate.json.cpu")
    cg=$(awk '{print $1 + $2}' "$WORK/gg-$rate.json.cpu"); cn=$(awk '{print $1 + $2}' "$WORK/gn-$rate.json.cpu")
    cdu=$(awk '{print $1}' "$WORK/du-$rate.json.cpu"); cds=$(awk '{print $1}' "$WORK/ds-$rate.json.cpu")
    awk -v r="$rate" -v u="$cu" -v s="$cs" -v g="$cg" -v n="$cn" -v du="$cdu" -v ds="$cds" \
      'BEGIN { printf "%s %.1f %.1f %.1f %.1f\n", r, s - u, g - u, n - u, ds - du }' >>"$WORK/cpu-deltas"
    for f in gu gs gg gn du ds; do
      if [[ $(jq '.errors + .unfinished' "$WORK/$f-$rate.json") != 0 ]]; then verdict=FAIL; fi
    done
    if awk -v a="$d_g" -v b="$d_n" -v c="$d_d" 'BEGIN{exit !(a >= 1 || b >= 1 || c >= 1)}'; then verdict=FAIL; fi
  done
  echo
  echo "p99 added by verification (ms; authenticated minus unauthenticated, same rate, same run):"
  echo
  echo "| offered req/s | service verifies (via gateway) | gateway (cache on) + service | gateway (cache off) + service | service alone (direct) |"
  echo "|---|---|---|---|---|"
  awk '{printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5}' "$WORK/deltas"
  echo
  echo
  echo "CPU time added per request by verification (µs; service + nginx workers, authenticated minus unauthenticated):"
  echo
  echo "| offered req/s | service verifies (via gateway) | gateway (cache on) + service | gateway (cache off) + service | service alone (direct) |"
  echo "|---|---|---|---|---|"
  awk '{printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5}' "$WORK/cpu-deltas"
  echo
  local cpu_verdict
  cpu_verdict=$(awk '{ for (i = 2; i <= 5; i++) if ($i >= 1000) bad = 1 } END { print bad ? "FAIL" : "pass" }' "$WORK/cpu-deltas")
  echo "verdict, latency (every p99 delta < 1 ms, no errors): $verdict"
  echo "verdict, CPU time (every verification adds < 1 ms of CPU per request): $cpu_verdict"
  echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) (other processes on the server core inflate latency, not CPU time)"
}

login_throughput() {
  echo
  echo "## Login throughput (POST /v1/auth/login to the service, 1 hashing thread, service on one core)"
  echo
  "$ARGON2" --ops "$ARGON2_OPS" --memory "$ARGON2_MEMORY_MIB" --count 5 >"$WORK/argon2-warm.json"
  taskset -c "$SERVER_CPU" "$ARGON2" --ops "$ARGON2_OPS" --memory "$ARGON2_MEMORY_MIB" --count 20 >"$WORK/argon2.json"
  local ms; ms=$(jq -r .ms_mean "$WORK/argon2.json")
  echo "one Argon2id hash (t=$ARGON2_OPS, m=$ARGON2_MEMORY_MIB MiB, p=1; libsodium crypto_pwhash_str), one core: wall mean $ms ms (min $(jq -r .ms_min "$WORK/argon2.json"), max $(jq -r .ms_max "$WORK/argon2.json")), CPU $(jq -r .cpu_ms_mean "$WORK/argon2.json") ms -> bound $(awk -v m="$ms" 'BEGIN{printf "%.1f", 1000/m}') logins/s per hashing core at that wall time"
  echo
  echo "| offered logins/s | achieved | errors | p50 ms | p90 ms | p99 ms | max ms | step |"
  echo "|---|---|---|---|---|---|---|---|"
  local body="{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" best=0 fails=0 rate
  for rate in $LOGIN_RATES; do
    local c0 c1; c0=$(cpu_ticks "$USER_PID")
    CONNECTIONS=64 loadgen "$WORK/login-$rate.json" "http://127.0.0.1:$USER_PORT/v1/auth/login" "$rate" "$LOGIN_SECONDS" \
      --method POST --header "Content-Type: application/json" --body "$body" --drain 5
    c1=$(cpu_ticks "$USER_PID")
    echo "$rate $(awk -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v n="$(awk -v r="$rate" -v d="$LOGIN_SECONDS" -v w="$WARMUP_SECONDS" 'BEGIN{print r * (d + w)}')" 'BEGIN{printf "%.1f", t * 1000 / hz / n}')" >>"$WORK/login-cpu"
    local verdict
    verdict=$(jq -r '.latency_ms as $l | if (.achieved_rps >= 0.99 * .offered_rps and .errors == 0 and .unfinished == 0 and $l.p99 < 500) then "pass" else "FAIL" end' "$WORK/login-$rate.json")
    jq -r --arg v "$verdict" '.latency_ms as $l | "| \(.offered_rps) | \(.achieved_rps*10|round/10) | \(.errors + .unfinished) | \($l.p50*10|round/10) | \($l.p90*10|round/10) | \($l.p99*10|round/10) | \($l.max*10|round/10) | \($v) |"' "$WORK/login-$rate.json"
    if [[ $verdict == pass ]]; then best=$rate; fails=0; else fails=$((fails + 1)); ((fails >= 2)) && break; fi
    sleep 2
  done
  echo
  echo "login throughput (one hashing core): $best logins/s sustained (achieved >= 99 % of offered, p99 < 500 ms)"
  echo "service CPU per login (ms, by step: offered -> CPU ms/login): $(tr '\n' ';' <"$WORK/login-cpu")"
  echo "bound from CPU time: $(awk -v m="$(jq -r .cpu_ms_mean "$WORK/argon2.json")" 'BEGIN{printf "%.1f", 1000/m}') logins/s per core (1000 / Argon2id CPU ms)"
}

main() {
  build_tools
  command -v jq >/dev/null || { log "needs jq"; exit 1; }
  WORK=$(mktemp -d /tmp/bench_auth.XXXXXX)
  chmod 755 "$WORK"
  trap cleanup EXIT
  start_user
  start_gateway "$GW_PORT" on
  start_gateway "$GW_NOCACHE_PORT" off
  log "service on CPU $SERVER_CPU (1 HTTP thread), nginx (1 worker each) on CPU $SERVER_CPU, store_loadgen on CPU $LOAD_CPU"
  echo "# bench/auth run $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores"
  verification
  login_throughput
}

main "$@"

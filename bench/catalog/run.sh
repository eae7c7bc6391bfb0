#!/usr/bin/env bash
# Catalog benchmark: GET /v1/products/{slug}/page with a Redis cache hit and with a cache miss,
# next to its local references measured in the same run:
#   - nginx serving a static file with the same bytes as the page (the ceiling for a cached page),
#   - a MariaDB primary-key SELECT through store::db (the floor of any miss).
# Open model with store_loadgen (requests due at fixed times, latency from the due time), offered
# rate stepping up; a step passes when achieved >= 99% of offered, no errors, nothing unanswered
# and p99 < 10 ms (a step served in full with a higher p99 is "sustained"). Saturation = the highest
# passing rate (the sweep stops after two failing steps). Steps and sweeps: bench/lib/common.sh.
# Target (issue #4): cache hit >= 0.3 x nginx static at p99 < 10 ms.
#
#   bench/catalog/run.sh                                  # about 5 minutes
#   RATES="5000 10000" MISS_RATES="500 1000" STEP_SECONDS=5 bench/catalog/run.sh
#
# Uses the running shared MariaDB and Redis (./store up; ports from deploy/ports.env) with a
# private database and key prefix, removed afterwards. The catalog and nginx are pinned to CPU 0,
# the generator to CPU 1; MariaDB and Redis are not pinned (they are shared engines).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build/release}
CATALOG=$BUILD_DIR/services/catalog/store_catalog
DEMO=$BUILD_DIR/services/catalog/store_catalog_demo
LOADGEN=$BUILD_DIR/bench/loadgen/store_loadgen
POINT=$BUILD_DIR/bench/catalog/store_bench_point_select
NGINX=${NGINX_BIN:-/usr/sbin/nginx}
RATES=${RATES:-"2000 5000 10000 15000 20000 25000 30000 40000 50000 60000 70000 80000 90000 100000 120000"}
MISS_RATES=${MISS_RATES:-"250 500 1000 1500 2000 2500 3000 4000 5000 6000 8000 10000 12000"}
STEP_SECONDS=${STEP_SECONDS:-8}
WARMUP_SECONDS=${WARMUP_SECONDS:-1}
CONNECTIONS=${CONNECTIONS:-64}
PRODUCTS=${PRODUCTS:-2000}
NGINX_PORT=${NGINX_PORT:-18181}
HIT_PORT=${HIT_PORT:-18182}
MISS_PORT=${MISS_PORT:-18183}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
P99_LIMIT_MS=10
. "$ROOT/bench/lib/common.sh"
export CATALOG_DB_HOST=$STORE_HOST CATALOG_DB_PORT=$STORE_MARIADB_PORT CATALOG_DB_USER=$STORE_MARIADB_USER \
  CATALOG_DB_PASSWORD=$STORE_MARIADB_PASSWORD CATALOG_CACHE_HOST=$STORE_HOST CATALOG_CACHE_PORT=$STORE_REDIS_PORT

build_tools() {
  [[ -x $CATALOG && -x $DEMO && -x $LOADGEN && -x $POINT ]] && return
  log "building the release tools in $BUILD_DIR"
  [[ -d $BUILD_DIR ]] || (cd "$ROOT" && cmake --preset release >/dev/null)
  cmake --build "$BUILD_DIR" -j2 --target store_catalog store_catalog_demo store_loadgen store_bench_point_select
}

cleanup() {
  for pid in ${NGINX_PID:-} ${HIT_PID:-} ${MISS_PID:-}; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  [[ -n ${DB:-} ]] && mysql_ -e "DROP DATABASE IF EXISTS \`$DB\`" 2>/dev/null || true
  [[ -n ${PREFIX:-} ]] && redis-cli -h "$STORE_HOST" -p "$STORE_REDIS_PORT" --scan --pattern "$PREFIX*" 2>/dev/null |
    xargs -r redis-cli -h "$STORE_HOST" -p "$STORE_REDIS_PORT" del >/dev/null 2>&1 || true
  [[ -n ${WORK:-} ]] && rm -rf "$WORK"
}

start_catalog() {  # PORT PAGE_TTL -> pid
  env CATALOG_HTTP_HOST=127.0.0.1 CATALOG_HTTP_PORT="$1" CATALOG_HTTP_THREADS=1 CATALOG_DB_DATABASE="$DB" \
    CATALOG_CACHE_PREFIX="$PREFIX$1:" CATALOG_CACHE_PAGE_TTL="$2" CATALOG_CONSUMER_ENABLED=false \
    CATALOG_MEDIA_DIR="$WORK/media" CATALOG_AUTH_JWKS_URL= \
    taskset -c "$SERVER_CPU" "$CATALOG" >"$WORK/catalog-$1.log" 2>&1 &
  echo $!
}

main() {
  command -v jq >/dev/null || { log "jq is required"; exit 1; }
  build_tools
  WORK=$(mktemp -d /tmp/bench_catalog.XXXXXX)
  chmod 755 "$WORK"
  DB=bench_catalog_$$
  PREFIX="bench_catalog_$$:"
  trap cleanup EXIT
  mysql_ -e "CREATE DATABASE \`$DB\`"
  log "demo catalog: $PRODUCTS products into $DB"
  (cd "$ROOT" && CATALOG_DB_DATABASE=$DB CATALOG_MEDIA_DIR=$WORK/media "$DEMO" --products "$PRODUCTS" --seed 42 >&2)
  local slug id
  slug=$(mysql_ -N -e "SELECT slug FROM \`$DB\`.products WHERE title LIKE 'Samsung Galaxy S23 %' ORDER BY slug LIMIT 1")
  [[ -n $slug ]] || slug=$(mysql_ -N -e "SELECT slug FROM \`$DB\`.products ORDER BY slug LIMIT 1")
  id=$(mysql_ -N -e "SELECT id FROM \`$DB\`.products WHERE slug = '$slug'")

  HIT_PID=$(start_catalog "$HIT_PORT" 10m)
  MISS_PID=$(start_catalog "$MISS_PORT" 1ms)
  local path="/v1/products/$slug/page"
  wait_ready "http://127.0.0.1:$HIT_PORT$path"
  wait_ready "http://127.0.0.1:$MISS_PORT$path"
  curl -fsS "http://127.0.0.1:$HIT_PORT$path" -o /dev/null
  local hit_hdr miss_hdr
  hit_hdr=$(curl -fsS -D - -o /dev/null "http://127.0.0.1:$HIT_PORT$path" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-cache" { print $2 }')
  sleep 0.01
  miss_hdr=$(curl -fsS -D - -o /dev/null "http://127.0.0.1:$MISS_PORT$path" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-cache" { print $2 }')
  [[ $hit_hdr == hit && $miss_hdr == miss ]] || { log "cache setup wrong: hit instance says '$hit_hdr', miss instance says '$miss_hdr'"; exit 1; }

  mkdir -p "$WORK/nginx/www"
  curl -fsS "http://127.0.0.1:$HIT_PORT$path" -o "$WORK/nginx/www/page.json"
  local bytes; bytes=$(stat -c %s "$WORK/nginx/www/page.json")
  static_nginx "$WORK/nginx" "$NGINX_PORT" page.json

  log "page of '$slug': $bytes bytes; $CONNECTIONS connections, ${STEP_SECONDS}s per step"
  local nginx_best hit_best miss_best
  read -r nginx_best _ <<<"$(sweep nginx "http://127.0.0.1:$NGINX_PORT/page.json" "$NGINX_WORKER" "$RATES")"
  read -r hit_best _ <<<"$(sweep hit "http://127.0.0.1:$HIT_PORT$path" "$HIT_PID" "$RATES")"
  read -r miss_best _ <<<"$(sweep miss "http://127.0.0.1:$MISS_PORT$path" "$MISS_PID" "$MISS_RATES")"
  log "MariaDB point select reference"
  taskset -c "$LOAD_CPU" "$POINT" --database "$DB" --id "$id" --threads 1 --duration 5 >"$WORK/point1.json"
  taskset -c "$LOAD_CPU" "$POINT" --database "$DB" --id "$id" --threads 8 --duration 5 >"$WORK/point8.json"

  echo
  echo "Product page of \`$slug\` ($bytes bytes), $PRODUCTS demo products, $(nproc) CPUs, $(date -u +%Y-%m-%d)."
  echo
  echo "| server | offered req/s | achieved req/s | errors | unfinished | p50 ms | p90 ms | p99 ms | max ms | server CPU % | step |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for name in nginx hit miss; do sed "s/^/| $name | /; s/\t/ | /g; s/\$/ |/" "$WORK/$name.rows"; done
  echo
  echo "saturation (achieved >= 99% of offered, 0 errors, 0 unfinished, p99 < ${P99_LIMIT_MS} ms):"
  echo "  nginx static file:        $nginx_best req/s"
  echo "  product page, cache hit:  $hit_best req/s"
  echo "  product page, cache miss: $miss_best req/s"
  if ((nginx_best > 0)); then
    echo "  ratio hit/nginx:          $(awk -v a="$hit_best" -v b="$nginx_best" 'BEGIN { printf "%.2f", a / b }') (target >= 0.30)"
  fi
  echo
  echo "MariaDB primary-key SELECT (store::db, closed loop, 5 s):"
  jq -r '"  \(.threads) thread(s): \(.qps) queries/s, p50 \(.latency_ms.p50) ms, p90 \(.latency_ms.p90) ms, p99 \(.latency_ms.p99) ms"' \
    "$WORK/point1.json" "$WORK/point8.json"
}

main "$@"

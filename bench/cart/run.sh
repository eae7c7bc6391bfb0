#!/usr/bin/env bash
# Cart benchmark (issue #11): add to cart and cart review through store_cart, each next to its
# local reference measured in the same run:
#   - add to cart (POST /v1/cart/items, a cart cookie per request) next to the same write sent
#     straight to the store (a versioned update of a cart document with its event in the outbox,
#     as an add writes it, through libs/docstore: store_bench_cart_store --op save, open model
#     like store_loadgen and swept the same way, on 1 and on 4 connections; the best counts). Shoppers fill their carts: ADDS_PER_CART adds to
#     each cart (interleaved in blocks of SESSION_BLOCK carts), then the cart stays idle and the
#     relay drops its published events after relay.drop_delay (DROP_DELAY, short so that the drops
#     of a step's carts land in that step) — a store write per cart, which the add pays for. The
#     worst case, one add per cart (every add followed by its cart's drop), is measured too;
#   - cart review with a cache hit (GET /v1/cart, the carts in Redis after their adds) next to
#     nginx serving a static file with the same bytes as one review.
# Open model (requests due at fixed times, latency from the due time), offered rate stepping up; a step passes when achieved >= 99% of offered, no errors, nothing unanswered
# and p99 < 10 ms. Saturation = the highest passing rate (a sweep stops after two failing steps).
# Targets (issue #11): add >= 0.7 x the direct store write; review (cache hit) >= 0.5 x nginx static.
#
#   bench/cart/run.sh                                  # about 6 minutes
#   ADD_RATES="500 1000" REVIEW_RATES="2000 4000" STEP_SECONDS=4 bench/cart/run.sh
#
# Uses the running shared MariaDB, Redis, Kafka and FerretDB (./store up or ./store engines; ports
# from deploy/ports.env) with a private MariaDB schema (the catalog's), FerretDB database, Redis
# key prefix and the Kafka topics bench.cart.* (events.topic_prefix), removed afterwards but the
# topics. The catalog, the cart service and nginx are pinned to CPU 0, the generator and the store
# reference to CPU 1; the engines are not pinned (they are shared).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build/release}
CART=$BUILD_DIR/services/cart/store_cart
CATALOG=$BUILD_DIR/services/catalog/store_catalog
LOADGEN=$BUILD_DIR/bench/loadgen/store_loadgen
DIRECT=$BUILD_DIR/bench/cart/store_bench_cart_store
NGINX=${NGINX_BIN:-/usr/sbin/nginx}
ADD_RATES=${ADD_RATES:-"100 200 300 350 400 450 500 600 700 800 1000"}
ADDS_PER_CART=${ADDS_PER_CART:-4}
SESSION_BLOCK=${SESSION_BLOCK:-50}
DROP_DELAY=${DROP_DELAY:-2s}
REVIEW_RATES=${REVIEW_RATES:-"1000 2000 3000 4000 5000 6000 8000 10000 12000 15000 20000 25000 30000"}
NGINX_RATES=${NGINX_RATES:-"5000 10000 20000 30000 40000 60000 80000 100000 120000"}
STORE_RATES=${STORE_RATES:-"100 200 300 400 500 600 700 800 1000 1200"}
STEP_SECONDS=${STEP_SECONDS:-6}
DRAIN_SECONDS=${DRAIN_SECONDS:-15}
WARMUP_SECONDS=${WARMUP_SECONDS:-1}
CONNECTIONS=${CONNECTIONS:-64}
CARTS=${CARTS:-1000}
FILL_RATE=${FILL_RATE:-200}
NGINX_PORT=${NGINX_PORT:-18191}
CATALOG_PORT=${CATALOG_PORT:-18192}
CART_PORT=${CART_PORT:-18193}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
P99_LIMIT_MS=10
. "$ROOT/bench/lib/common.sh"
MONGO_URI="mongodb://$STORE_HOST:$STORE_FERRETDB_PORT/"

build_tools() {
  [[ -x $CART && -x $CATALOG && -x $LOADGEN && -x $DIRECT ]] && return
  log "building the release tools in $BUILD_DIR"
  [[ -d $BUILD_DIR ]] || (cd "$ROOT" && cmake --preset release >/dev/null)
  cmake --build "$BUILD_DIR" -j2 --target store_cart store_catalog store_loadgen store_bench_cart_store
}

cleanup() {
  for pid in ${NGINX_PID:-} ${CART_PID:-} ${CATALOG_PID:-}; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  [[ -n ${DB:-} ]] && mysql_ -e "DROP DATABASE IF EXISTS \`$DB\`" 2>/dev/null || true
  [[ -n ${DB:-} && -x $DIRECT ]] && "$DIRECT" --uri "$MONGO_URI" --database "$DB" --op drop >/dev/null 2>&1 || true
  [[ -n ${PREFIX:-} ]] && redis-cli -h "$STORE_HOST" -p "$STORE_REDIS_PORT" --scan --pattern "$PREFIX*" 2>/dev/null |
    xargs -r redis-cli -h "$STORE_HOST" -p "$STORE_REDIS_PORT" del >/dev/null 2>&1 || true
  [[ -n ${WORK:-} ]] && rm -rf "$WORK"
}

# Waits (up to 5 minutes) until the relay has dropped every cart's published events, so that a
# sweep does not pay for the writes of the one before.
drops_done() {
  local left
  for _ in $(seq 1 300); do
    left=$(curl -fsS "http://127.0.0.1:$CART_PORT/metrics" | awk '$1 == "cart_carts_awaiting_drop" { print $2 }')
    [[ $left == 0 ]] && return
    sleep 1
  done
  log "the relay still holds $left carts' published events"
}

main() {
  command -v jq >/dev/null || { log "jq is required"; exit 1; }
  build_tools
  WORK=$(mktemp -d /tmp/bench_cart.XXXXXX)
  chmod 755 "$WORK"
  DB=bench_cart_$$
  PREFIX="bench_cart_$$:"
  trap cleanup EXIT

  # The catalog: one product, one SKU with stock enough for every add of the run.
  mysql_ -e "CREATE DATABASE \`$DB\`"
  env CATALOG_HTTP_HOST=127.0.0.1 CATALOG_HTTP_PORT="$CATALOG_PORT" CATALOG_HTTP_THREADS=1 CATALOG_DB_DATABASE="$DB" \
    CATALOG_DB_HOST="$STORE_HOST" CATALOG_DB_PORT="$STORE_MARIADB_PORT" CATALOG_DB_USER="$STORE_MARIADB_USER" \
    CATALOG_DB_PASSWORD="$STORE_MARIADB_PASSWORD" CATALOG_CACHE_HOST="$STORE_HOST" CATALOG_CACHE_PORT="$STORE_REDIS_PORT" \
    CATALOG_CACHE_PREFIX="${PREFIX}catalog:" CATALOG_CONSUMER_ENABLED=false CATALOG_MEDIA_DIR="$WORK/media" \
    CATALOG_AUTH_JWKS_URL= CATALOG_LOG_LEVEL=warn \
    taskset -c "$SERVER_CPU" "$CATALOG" >"$WORK/catalog.log" 2>&1 &
  CATALOG_PID=$!
  wait_ready "http://127.0.0.1:$CATALOG_PORT/readyz"
  mysql_ "$DB" -e "
    INSERT INTO categories (id, slug, name, path) VALUES (1, 'bench', 'Bench', '/1/');
    INSERT INTO product_types (id, code, name) VALUES (1, 'bench', 'Bench');
    INSERT INTO products (id, slug, title, description_md, description_html, description_text, product_type_id, category_id, status, currency)
      VALUES ('11111111-1111-4111-8111-111111111111', 'bench-phone', 'Bench phone', '', '', '', 1, 1, 'active', 'EUR');
    INSERT INTO variants (sku, product_id, options, price_minor, currency)
      VALUES ('BENCH-1', '11111111-1111-4111-8111-111111111111', '{\"storage\":\"128GB\",\"color\":\"black\"}', 45900, 'EUR');
    INSERT INTO stock (sku, product_id, on_hand, reserved) VALUES ('BENCH-1', '11111111-1111-4111-8111-111111111111', 1000000000, 0);"

  env CART_HTTP_HOST=127.0.0.1 CART_HTTP_PORT="$CART_PORT" CART_HTTP_THREADS=1 CART_DOCSTORE_URI="$MONGO_URI" \
    CART_DOCSTORE_DATABASE="$DB" CART_CACHE_HOST="$STORE_HOST" CART_CACHE_PORT="$STORE_REDIS_PORT" \
    CART_CACHE_PREFIX="${PREFIX}cart:" CART_CATALOG_URL="http://127.0.0.1:$CATALOG_PORT" \
    CART_KAFKA_BOOTSTRAP="$STORE_HOST:$STORE_KAFKA_PORT" CART_EVENTS_TOPIC_PREFIX=bench. CART_CONSUMER_ENABLED=false \
    CART_LIMITS_MAX_PER_LINE=10000 CART_AUTH_JWKS_URL= CART_COOKIE_SECURE=false CART_LOG_LEVEL=warn \
    CART_RELAY_DROP_DELAY="$DROP_DELAY" \
    taskset -c "$SERVER_CPU" "$CART" >"$WORK/cart.log" 2>&1 &
  CART_PID=$!
  wait_ready "http://127.0.0.1:$CART_PORT/readyz"

  # One cookie per shopper: request i goes to cart i mod CARTS.
  for _ in $(seq "$CARTS"); do
    printf 'Cookie: cart_token=%s\n' "$(head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')"
  done >"$WORK/cookies"
  local body='{"sku":"BENCH-1","quantity":1}' one_cookie
  one_cookie=$(head -1 "$WORK/cookies")
  curl -fsS -o /dev/null -H "$one_cookie" -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$CART_PORT/v1/cart/items"
  log "$CARTS guest carts: one add each at $FILL_RATE/s first, so every review finds a cart"
  taskset -c "$LOAD_CPU" "$LOADGEN" --url "http://127.0.0.1:$CART_PORT/v1/cart/items" --rate "$FILL_RATE" \
    --duration "$(awk -v n="$CARTS" -v r="$FILL_RATE" 'BEGIN { printf "%.3f", n / r }')" --warmup 0 --connections 8 --json \
    --method POST --header 'Content-Type: application/json' --body "$body" --header-cycle "$WORK/cookies" >"$WORK/fill.json"
  jq -e '.ok == .requests' "$WORK/fill.json" >/dev/null || { log "filling the carts failed: $(cat "$WORK/fill.json")"; exit 1; }
  drops_done
  log "${STEP_SECONDS}s per step, $CONNECTIONS connections"

  # Shopper sessions: blocks of SESSION_BLOCK carts, each cart ADDS_PER_CART times in the block.
  awk -v block="$SESSION_BLOCK" -v adds="$ADDS_PER_CART" '
    { c[n++] = $0 }
    END { for (b = 0; b < n; b += block) for (a = 0; a < adds; a++) for (i = b; i < b + block && i < n; i++) print c[i] }' \
    "$WORK/cookies" >"$WORK/sessions"
  local add add1 review nginx add_best add_sustained add1_sustained review_best review_sustained nginx_best
  add=$(sweep add "http://127.0.0.1:$CART_PORT/v1/cart/items" "$CART_PID" "$ADD_RATES" \
    --method POST --header 'Content-Type: application/json' --body "$body" --header-cycle "$WORK/sessions")
  drops_done
  add1=$(sweep add1 "http://127.0.0.1:$CART_PORT/v1/cart/items" "$CART_PID" "$ADD_RATES" \
    --method POST --header 'Content-Type: application/json' --body "$body" --header-cycle "$WORK/cookies")
  drops_done
  # The add sweep wrote every cart through to Redis: reviews hit the cache.
  review=$(sweep review "http://127.0.0.1:$CART_PORT/v1/cart" "$CART_PID" "$REVIEW_RATES" --header-cycle "$WORK/cookies")

  mkdir -p "$WORK/nginx/www"
  curl -fsS -H "$one_cookie" "http://127.0.0.1:$CART_PORT/v1/cart" -o "$WORK/nginx/www/cart.json"
  local bytes; bytes=$(stat -c %s "$WORK/nginx/www/cart.json")
  static_nginx "$WORK/nginx" "$NGINX_PORT" cart.json
  nginx=$(sweep nginx "http://127.0.0.1:$NGINX_PORT/cart.json" "$NGINX_WORKER" "$NGINX_RATES")
  read -r add_best add_sustained <<<"$add"
  read -r _ add1_sustained <<<"$add1"
  read -r review_best review_sustained <<<"$review"
  read -r nginx_best _ <<<"$nginx"

  # The services stopped first: an idle cart service still scans FerretDB (the relay, the guest
  # sweep), which would slow the reference down.
  local cart_rss; cart_rss=$(awk '/VmHWM/ {print $2}' "/proc/$CART_PID/status")
  kill "$CART_PID" "$CATALOG_PID" && wait "$CART_PID" "$CATALOG_PID" 2>/dev/null || true
  CART_PID= CATALOG_PID=
  log "store reference: the add's write straight to FerretDB (libs/docstore), the same open model and sweep"
  local direct_db=${DB}_direct ferret_pid store1 store4 store_best store_sustained
  ferret_pid=$(pgrep -o -f "ferretdb.*--listen-addr=127.0.0.1:$STORE_FERRETDB_PORT")
  store1=$(LOADGEN=$DIRECT CONNECTIONS=1 DRAIN_SECONDS=0 sweep store1 "$MONGO_URI" "$ferret_pid" "$STORE_RATES" --database "$direct_db" --op save)
  store4=$(LOADGEN=$DIRECT CONNECTIONS=4 DRAIN_SECONDS=0 sweep store4 "$MONGO_URI" "$ferret_pid" "$STORE_RATES" --database "$direct_db" --op save)
  read -r store_best store_sustained <<<"$(echo "$store1 $store4" | awk '{ print ($1 > $3 ? $1 : $3), ($2 > $4 ? $2 : $4) }')"
  taskset -c "$LOAD_CPU" "$DIRECT" --uri "$MONGO_URI" --database "$direct_db" --op save --threads 1 --duration 5 >"$WORK/save1.json"
  taskset -c "$LOAD_CPU" "$DIRECT" --uri "$MONGO_URI" --database "$direct_db" --op read --threads 4 --duration 5 >"$WORK/read4.json"

  echo
  echo "One SKU, $CARTS guest carts, $(nproc) CPUs, $(date -u +%Y-%m-%d); add: $ADDS_PER_CART adds per cart (blocks of $SESSION_BLOCK carts), add1: one add per cart, relay.drop_delay $DROP_DELAY; review: the carts in turn, $bytes bytes each."
  echo
  echo "| server | offered req/s | achieved req/s | errors | unfinished | p50 ms | p90 ms | p99 ms | max ms | server CPU % | step |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for name in add add1 review nginx store1 store4; do sed "s/^/| $name | /; s/\t/ | /g; s/\$/ |/" "$WORK/$name.rows"; done
  echo
  echo "store1, store4: the add's write straight to FerretDB (store_bench_cart_store --op save, its event in the outbox) on 1 and 4 connections; server CPU = FerretDB's."
  echo
  echo "Closed loop, 5 s (store_bench_cart_store: libs/docstore straight to FerretDB, a call as soon as the last one answered):"
  jq -r '"  \(.op), \(.threads) connection(s): \(.qps) calls/s, p50 \(.latency_ms.p50) ms, p90 \(.latency_ms.p90) ms, p99 \(.latency_ms.p99) ms"' \
    "$WORK/save1.json" "$WORK/read4.json"
  echo
  echo "saturation (achieved >= 99% of offered, 0 errors, 0 unfinished, p99 < ${P99_LIMIT_MS} ms); sustained (the same but any p99):"
  echo "  add to cart:              $add_best req/s; sustained $add_sustained req/s ($ADDS_PER_CART per cart); one add per cart: sustained $add1_sustained req/s"
  echo "  direct store write:       $store_best writes/s; sustained $store_sustained writes/s (the better of 1 and 4 connections)"
  echo "  cart review (cache hit):  $review_best req/s; sustained $review_sustained req/s"
  echo "  nginx static file:        $nginx_best req/s"
  echo "  ratio add/direct write:   $(awk -v a="$add_best" -v b="$store_best" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }') (target >= 0.70); sustained: $(awk -v a="$add_sustained" -v b="$store_sustained" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
  echo "  ratio review/nginx:       $(awk -v a="$review_best" -v b="$nginx_best" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }') (target >= 0.50)"
  echo "  store_cart peak RSS:      $((cart_rss / 1024)) MiB"
}

main "$@"

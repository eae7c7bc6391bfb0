#!/usr/bin/env bash
# Search benchmark: store_catalog_search's GET /v1/search against THE SAME QUERY sent straight to
# OpenSearch, both driven in the same run, at the same open-model rates, by store_loadgen
# (bench/loadgen; latency from the time each request was due, no coordinated omission).
#
#   ours:   GET /v1/search?<QUERY>                         -> the service -> POST /<alias>/_search <body>
#   direct: GET /<alias>/_search?source=<body>&source_content_type=application/json
# <body> is exactly what the service sends for <QUERY> (printed by store_search_bench_load query),
# so the difference is the service: parsing and validating the request, building the query, one
# HTTP hop to OpenSearch, parsing its answer and writing ours (items, highlights, facets).
#
# Data: the demo catalog (store_catalog_demo, seed 42, $PRODUCTS products, no images) in a temp
# MariaDB database, its product.upserted.v1 events loaded through the service's own document
# code into a fresh index behind a unique alias (deleted at the end, with the database).
#
# A rate step passes when achieved >= 99% of offered, no errors, nothing unanswered and
# p99 < $P99_LIMIT_MS ms; each side's saturation is its highest passing rate. The two sides run
# interleaved (at each rate: direct, then ours) so that they share the background load; a side
# stops after two failing steps in a row. Target: ours >= 0.8 x direct at the same p99 limit.
#
#   bench/search/run.sh                      # defaults, a few minutes
#   RATES="100 200 400" STEP_SECONDS=5 bench/search/run.sh
#
# The generator is pinned to CPU 1 (taskset). OpenSearch (the shared engine, a JVM) cannot be
# pinned and uses both cores; the service may use both cores too (SERVER_CPU=0,1): pinned alone
# to CPU 0 it competed there with OpenSearch's threads at saturation and lost to scheduling
# delays, not to its own work (3 % of a core). Needs the engines running
# (./store up or ./store engines), jq, curl, mariadb client, and release builds (made here).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build/release}
SEARCH_BIN=${SEARCH_BIN:-$BUILD_DIR/services/catalog/search/store_catalog_search}
LOAD_BIN=${LOAD_BIN:-$BUILD_DIR/services/catalog/search/store_search_bench_load}
DEMO_BIN=${DEMO_BIN:-$BUILD_DIR/services/catalog/store_catalog_demo}
LOADGEN=${LOADGEN_BIN:-$BUILD_DIR/bench/loadgen/store_loadgen}
set -a
# shellcheck disable=SC1091
source "$ROOT/deploy/ports.env"
set +a
OS_URL=http://$STORE_HOST:$STORE_OPENSEARCH_PORT
PRODUCTS=${PRODUCTS:-10000}
QUERY=${QUERY:-q=samsung+galaxy&in_stock=true}
RATES=${RATES:-"5 10 15 20 25 30 40 50 60 80 100 120 150 200"}
STEP_SECONDS=${STEP_SECONDS:-10}
WARMUP_SECONDS=${WARMUP_SECONDS:-2}
CONNECTIONS=${CONNECTIONS:-32}
SEARCH_PORT=${SEARCH_PORT:-18191}
SERVER_CPU=${SERVER_CPU:-0,1}
LOAD_CPU=${LOAD_CPU:-1}
P99_LIMIT_MS=${P99_LIMIT_MS:-250}
TAG=bench_search_$$
DB=$TAG

log() { echo "[bench] $*" >&2; }

build_tools() {
  [[ -x $SEARCH_BIN && -x $LOAD_BIN && -x $DEMO_BIN && -x $LOADGEN ]] && return
  log "building the release tools in $BUILD_DIR"
  [[ -d $BUILD_DIR ]] || (cd "$ROOT" && cmake --preset release >/dev/null)
  cmake --build "$BUILD_DIR" -j2 --target store_catalog_search store_search_bench_load store_catalog_demo store_loadgen
}

sql() { mariadb -h "$STORE_HOST" -P "$STORE_MARIADB_PORT" -u "$STORE_MARIADB_USER" -p"$STORE_MARIADB_PASSWORD" -e "$1"; }

cleanup() {
  [[ -n ${SEARCH_PID:-} ]] && kill "$SEARCH_PID" 2>/dev/null && wait "$SEARCH_PID" 2>/dev/null || true
  [[ -n ${LOADED:-} ]] && BENCH_OPENSEARCH_URL=$OS_URL "$LOAD_BIN" drop "$TAG" >/dev/null 2>&1 || true
  sql "DROP DATABASE IF EXISTS \`$DB\`" 2>/dev/null || true
  rm -rf "$WORK"
}

# The query body with the few characters a request line cannot carry percent-encoded.
url_source() { jq -cj '.' <<<"$1" | sed -e 's/%/%25/g' -e 's/ /%20/g' -e 's/&/%26/g' -e 's/#/%23/g' -e 's/+/%2B/g'; }

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# run_step NAME URL RATE PID -> TSV: offered achieved errors unfinished p50 p90 p99 p99.9 max cpu% verdict
run_step() {
  local name=$1 url=$2 rate=$3 pid=$4 out="$WORK/$1-$3.json" t0 t1 n0 n1
  t0=$(cpu_ticks "$pid"); n0=$(date +%s%N)
  taskset -c "$LOAD_CPU" "$LOADGEN" --url "$url" --rate "$rate" --duration "$STEP_SECONDS" --warmup "$WARMUP_SECONDS" \
    --connections "$CONNECTIONS" --json >"$out"
  n1=$(date +%s%N); t1=$(cpu_ticks "$pid")
  local cpu=$(( (t1 - t0) * 100 * 1000000000 / $(getconf CLK_TCK) / (n1 - n0) ))
  jq -r --argjson limit "$P99_LIMIT_MS" --argjson cpu "$cpu" '. as $r | .latency_ms as $l
    | [($r.offered_rps|floor), ($r.achieved_rps|floor), $r.errors, $r.unfinished, $l.p50, $l.p90, $l.p99, $l.p99_9, $l.max, $cpu,
       (if ($r.achieved_rps >= 0.99 * $r.offered_rps and $r.errors == 0 and $r.unfinished == 0 and $l.p99 < $limit) then "pass" else "FAIL" end)]
    | map(if type == "number" and . != floor then (. * 100 | round / 100) else . end) | @tsv' "$out"
}

# sweep: for each rate, one step of each side back to back (direct, then ours), so both see the
# same background load; a side stops after two failing steps in a row, the sweep when both have.
# Sets DIRECT_BEST and OURS_BEST; rows in $WORK/direct.rows and $WORK/ours.rows.
sweep() {
  local direct_url=$1 ours_url=$2 os_pid=$3 rate row name url pid verdict
  declare -A best=([direct]=0 [ours]=0) fails=([direct]=0 [ours]=0)
  for rate in $RATES; do
    for name in direct ours; do
      ((fails[$name] >= 2)) && continue
      if [[ $name == direct ]]; then url=$direct_url pid=$os_pid; else url=$ours_url pid=$SEARCH_PID; fi
      row=$(run_step "$name" "$url" "$rate" "$pid")
      echo "$row" >>"$WORK/$name.rows"
      log "$name $(awk -F'\t' '{printf "offered=%s achieved=%s errors=%s p50=%sms p99=%sms max=%sms cpu=%s%% %s", $1, $2, $3, $5, $7, $9, $10, $11}' <<<"$row")"
      verdict=$(cut -f11 <<<"$row")
      if [[ $verdict == pass ]]; then best[$name]=$rate; fails[$name]=0; else fails[$name]=$((fails[$name] + 1)); fi
      sleep 1
    done
    ((fails[direct] >= 2 && fails[ours] >= 2)) && break
  done
  DIRECT_BEST=${best[direct]}
  OURS_BEST=${best[ours]}
}

main() {
  build_tools
  WORK=$(mktemp -d /tmp/bench_search.XXXXXX)
  trap cleanup EXIT
  log "demo catalog: $PRODUCTS products into database $DB"
  sql "CREATE DATABASE \`$DB\`"
  CATALOG_DB_HOST=$STORE_HOST CATALOG_DB_PORT=$STORE_MARIADB_PORT CATALOG_DB_USER=$STORE_MARIADB_USER \
    CATALOG_DB_PASSWORD=$STORE_MARIADB_PASSWORD CATALOG_DB_DATABASE=$DB \
    "$DEMO_BIN" --seed 42 --products "$PRODUCTS" --no-images >"$WORK/demo.out" 2>&1 || { cat "$WORK/demo.out" >&2; exit 1; }
  LOADED=1
  local loaded
  loaded=$(BENCH_DB_HOST=$STORE_HOST BENCH_DB_PORT=$STORE_MARIADB_PORT BENCH_DB_USER=$STORE_MARIADB_USER \
    BENCH_DB_PASSWORD=$STORE_MARIADB_PASSWORD BENCH_DB_DATABASE=$DB BENCH_OPENSEARCH_URL=$OS_URL "$LOAD_BIN" load "$TAG")
  log "indexed: $loaded"

  SEARCH_HTTP_HOST=127.0.0.1 SEARCH_HTTP_PORT=$SEARCH_PORT SEARCH_HTTP_THREADS=1 SEARCH_INDEX_ALIAS=$TAG \
    SEARCH_INDEXER_ENABLED=false SEARCH_OPENSEARCH_URL=$OS_URL SEARCH_LOG_LEVEL=warn \
    taskset -c "$SERVER_CPU" "$SEARCH_BIN" 2>"$WORK/search.log" &
  SEARCH_PID=$!
  for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$SEARCH_PORT/readyz" 2>/dev/null && break; sleep 0.1; done

  local body ours direct
  body=$("$LOAD_BIN" query "$QUERY")
  ours="http://127.0.0.1:$SEARCH_PORT/v1/search?$QUERY"
  direct="$OS_URL/$TAG/_search?source_content_type=application/json&source=$(url_source "$body")"
  # Both answer, and find the same products in the same order.
  local ids_ours ids_direct
  ids_ours=$(curl -fsS "$ours" | jq -c '[.items[].product_id]')
  # The very URL the load sends (url_source: only what must be escaped; jq's @uri escapes every
  # brace and quote, which made the request line longer than OpenSearch's 4,096 bytes).
  ids_direct=$(curl -fsS --globoff "$direct" | jq -c '[.hits.hits[]._source.product_id]')
  [[ $ids_ours == "$ids_direct" && $ids_ours != "[]" ]] || { log "answers differ: $ids_ours vs $ids_direct"; exit 1; }
  local total
  total=$(curl -fsS "$ours" | jq .total)
  log "query '$QUERY': $total hits, same first page on both sides; body ${#body} bytes"

  log "store_loadgen, $CONNECTIONS connections, ${WARMUP_SECONDS}s warm-up + ${STEP_SECONDS}s per step; rates: $RATES"
  local os_pid
  # OpenSearch's process (its CPU use is shown for the direct side): ./store's pid file, else a search.
  os_pid=$(cat "${STORE_STATE:-$ROOT/.state}/run/opensearch.pid" 2>/dev/null || pgrep -f 'opensearch' | head -1 || true)
  [[ -n $os_pid && -r /proc/$os_pid/stat ]] || { log "OpenSearch's process not found (export STORE_STATE=...)"; exit 1; }
  sweep "$direct" "$ours" "$os_pid"
  local direct_best=$DIRECT_BEST ours_best=$OURS_BEST

  {
    echo "| side | offered req/s | achieved req/s | errors | unfinished | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | CPU % (OpenSearch for direct, our process for ours) | step |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
    for name in direct ours; do sed "s/^/| $name | /; s/\t/ | /g; s/\$/ |/" "$WORK/$name.rows"; done
    echo
    echo "saturation (achieved >= 99% of offered, 0 errors, 0 unfinished, p99 < ${P99_LIMIT_MS} ms):"
    echo "  direct OpenSearch:    $direct_best req/s"
    echo "  store_catalog_search: $ours_best req/s"
    ((direct_best > 0)) && echo "  ratio ours/direct:    $(awk -v a="$ours_best" -v b="$direct_best" 'BEGIN { printf "%.2f", a / b }') (target >= 0.80)"
    echo
    echo "query: \`$QUERY\` ($total hits; the body the service sends is ${#body} bytes: text query, post_filter, 5 facet aggregations, highlight)"
    echo "demo: $(grep 'demo catalog' "$WORK/demo.out")"
  } | tee "$WORK/result.md"
}

main "$@"

#!/usr/bin/env bash
# Reindex benchmark: the time of a full reindex by replay (`store_catalog_search reindex`) of the
# demo catalog, i.e. how long rebuilding the search read model from Kafka (the event store) takes.
#
#   1. the demo catalog (store_catalog_demo, seed 42, $PRODUCTS products, no images) into a temp
#      MariaDB database; its outbox (one product.upserted.v1 per product) is published by
#      store_outbox_relay to PRIVATE topics "<tag>.<topic>" (3 partitions, as deploy/kafka/topics.conf),
#      so the shared product topics and the shared "products" alias are left alone;
#   2. RUNS times: `store_catalog_search reindex` with alias <tag> on those topics: a new index,
#      the replay from offset 0 in _bulk batches of reindex.batch_size, the catch-up rounds, the
#      alias swap, the old index deleted (reindex.delete_grace = 0 here: the 2 s pause is for live
#      searches, not work). Reported: the tool's took_ms, the records read, and the load average
#      just before the run (the machine is shared);
#   3. everything created is deleted (indexes, topics, database).
#
#   bench/search/reindex.sh                          # PRODUCTS=10000 RUNS=3
#   SEARCH_BIN=/path/to/other/store_catalog_search bench/search/reindex.sh   # compare two builds
# Needs the engines (./store engines) and release builds (made here).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build/release}
SEARCH_BIN=${SEARCH_BIN:-$BUILD_DIR/services/catalog/search/store_catalog_search}
DEMO_BIN=${DEMO_BIN:-$BUILD_DIR/services/catalog/store_catalog_demo}
RELAY_BIN=${RELAY_BIN:-$BUILD_DIR/libs/messaging/store_outbox_relay}
# Creates/deletes a topic and its .dlq with 3 partitions (the notification benchmark's helper).
TOPIC_BIN=${TOPIC_BIN:-$BUILD_DIR/services/notification/store_notification_publish}
set -a
# shellcheck disable=SC1091
source "$ROOT/deploy/ports.env"
set +a
OS_URL=http://$STORE_HOST:$STORE_OPENSEARCH_PORT
KAFKA=$STORE_HOST:$STORE_KAFKA_PORT
PRODUCTS=${PRODUCTS:-10000}
RUNS=${RUNS:-3}
TAG=bench_reindex_$$
DB=$TAG

log() { echo "[reindex] $*" >&2; }
sql() { mariadb -h "$STORE_HOST" -P "$STORE_MARIADB_PORT" -u "$STORE_MARIADB_USER" -p"$STORE_MARIADB_PASSWORD" -N -B "$@"; }

build_tools() {
  [[ -x $SEARCH_BIN && -x $DEMO_BIN && -x $RELAY_BIN && -x $TOPIC_BIN ]] && return
  log "building the release tools in $BUILD_DIR"
  [[ -d $BUILD_DIR ]] || (cd "$ROOT" && cmake --preset release >/dev/null)
  cmake --build "$BUILD_DIR" -j2 --target store_catalog_search store_catalog_demo store_outbox_relay store_notification_publish
}

TOPICS=()
cleanup() {
  [[ -n ${RELAY_PID:-} ]] && kill "$RELAY_PID" 2>/dev/null && wait "$RELAY_PID" 2>/dev/null || true
  curl -s -X DELETE "$OS_URL/${TAG}_*" >/dev/null 2>&1 || true
  for t in "${TOPICS[@]}"; do "$TOPIC_BIN" "$KAFKA" delete "$t" >/dev/null 2>&1 || true; done
  sql -e "DROP DATABASE IF EXISTS \`$DB\`" 2>/dev/null || true
}

main() {
  build_tools
  trap cleanup EXIT
  log "demo catalog: $PRODUCTS products into database $DB"
  sql -e "CREATE DATABASE \`$DB\`"
  CATALOG_DB_HOST=$STORE_HOST CATALOG_DB_PORT=$STORE_MARIADB_PORT CATALOG_DB_USER=$STORE_MARIADB_USER \
    CATALOG_DB_PASSWORD=$STORE_MARIADB_PASSWORD CATALOG_DB_DATABASE=$DB \
    "$DEMO_BIN" --seed 42 --products "$PRODUCTS" --no-images >/dev/null

  # The outbox's events go to private copies of their topics.
  local topic
  for topic in $(sql "$DB" -e "SELECT DISTINCT topic FROM outbox"); do
    TOPICS+=("$TAG.$topic")
    "$TOPIC_BIN" "$KAFKA" create "$TAG.$topic"
  done
  for topic in product.upserted.v1 product.archived.v1; do
    [[ " ${TOPICS[*]} " == *" $TAG.$topic "* ]] || { TOPICS+=("$TAG.$topic"); "$TOPIC_BIN" "$KAFKA" create "$TAG.$topic"; }
  done
  sql "$DB" -e "UPDATE outbox SET topic = CONCAT('$TAG.', topic)"
  log "publishing $(sql "$DB" -e "SELECT COUNT(*) FROM outbox") outbox rows to ${TOPICS[*]}"
  OUTBOX_RELAY_DB_HOST=$STORE_HOST OUTBOX_RELAY_DB_PORT=$STORE_MARIADB_PORT OUTBOX_RELAY_DB_USER=$STORE_MARIADB_USER \
    OUTBOX_RELAY_DB_PASSWORD=$STORE_MARIADB_PASSWORD OUTBOX_RELAY_DB_DATABASE=$DB OUTBOX_RELAY_KAFKA_BOOTSTRAP=$KAFKA \
    OUTBOX_RELAY_LOG_LEVEL=warn "$RELAY_BIN" &
  RELAY_PID=$!
  while (( $(sql "$DB" -e "SELECT COUNT(*) FROM outbox") > 0 )); do sleep 0.5; done
  kill "$RELAY_PID"; wait "$RELAY_PID" 2>/dev/null || true; RELAY_PID=

  echo "| run | records | documents applied | took (s) | load average before |"
  echo "|---|---|---|---|---|"
  local run report load
  for run in $(seq 1 "$RUNS"); do
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    report=$(SEARCH_INDEX_ALIAS=$TAG SEARCH_OPENSEARCH_URL=$OS_URL SEARCH_KAFKA_BOOTSTRAP=$KAFKA \
      SEARCH_INDEXER_TOPICS="$TAG.product.upserted.v1,$TAG.product.archived.v1" SEARCH_REINDEX_DELETE_GRACE=0s \
      SEARCH_LOG_LEVEL=warn "$SEARCH_BIN" reindex 2>/dev/null)
    log "run $run: $report"
    echo "| $run | $(jq -r .records <<<"$report") | $(jq -r .applied <<<"$report") | $(jq -r '.took_ms / 1000' <<<"$report") | $load |"
  done
}

main "$@"

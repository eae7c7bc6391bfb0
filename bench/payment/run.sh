#!/usr/bin/env bash
# Payment benchmark (issue #12): payments created and confirmed per second through store_payment,
# next to its local reference measured in the same run, a bare MariaDB durable commit.
#   - pay: C clients, each paying one order after the other: POST /v1/payments/intents (a new
#     order) then POST /v1/payments/intents/{id}/confirm with the sandbox's pm_card_visa, both with
#     an Idempotency-Key; the service calls the provider sandbox for each (create, confirm) and
#     takes its webhooks (each one fetches the intent from the provider); a payment counts when
#     the confirmation answers "captured";
#   - commit: C connections each committing a one-row INSERT after the other (autocommit, InnoDB
#     flushes its redo log at every commit) on the same MariaDB.
# Closed loop (C workers back to back for STEP_SECONDS), for each C of CONCURRENCY: the rates and
# the latency percentiles of one payment (two requests) and of one commit; the ratio is
# payments/s over commits/s at the same concurrency.
#
#   bench/payment/run.sh                                       # about 2 minutes
#   CONCURRENCY="1 8" STEP_SECONDS=5 bench/payment/run.sh
#   KEEP_WORK=1 PAYMENT_LOG_LEVEL=info bench/payment/run.sh    # keep /tmp/bench_payment.* with every request logged
#
# Uses the running shared MariaDB and Kafka (./store up or ./store engines; ports from
# deploy/ports.env) with a private schema (dropped afterwards) and the topics bench.payment.*
# (events.topic_prefix; no relay runs: the events stay in the outbox). The service, the sandbox and
# a static JWKS (nginx) are pinned to CPU 0, the driver to CPU 1; MariaDB is not pinned (shared).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build/release}
PAYMENT=$BUILD_DIR/services/payment/store_payment
DRIVER=$BUILD_DIR/bench/payment/store_bench_payment
NGINX=${NGINX_BIN:-/usr/sbin/nginx}
CONCURRENCY=${CONCURRENCY:-"1 4 16 32"}
STEP_SECONDS=${STEP_SECONDS:-10}
PAYMENT_PORT=${PAYMENT_PORT:-18194}
PSP_PORT=${PSP_PORT:-18195}
JWKS_PORT=${JWKS_PORT:-18196}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
. "$ROOT/bench/lib/common.sh"

build_tools() {
  [[ -x $PAYMENT && -x $DRIVER ]] && return
  log "building the release tools in $BUILD_DIR"
  [[ -d $BUILD_DIR ]] || (cd "$ROOT" && cmake --preset release >/dev/null)
  cmake --build "$BUILD_DIR" -j2 --target store_payment store_bench_payment
}

cleanup() {
  for pid in ${PAYMENT_PID:-} ${PSP_PID:-} ${NGINX_PID:-}; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  [[ -n ${DB:-} ]] && mysql_ -e "DROP DATABASE IF EXISTS \`$DB\`; DROP DATABASE IF EXISTS \`${DB}_ref\`" 2>/dev/null || true
  [[ -n ${WORK:-} && -z ${KEEP_WORK:-} ]] && rm -rf "$WORK"
}

main() {
  command -v jq >/dev/null || { log "jq is required"; exit 1; }
  build_tools
  WORK=$(mktemp -d /tmp/bench_payment.XXXXXX)
  chmod 755 "$WORK"
  DB=bench_payment_$$
  trap cleanup EXIT
  mysql_ -e "CREATE DATABASE \`$DB\`; CREATE DATABASE \`${DB}_ref\`"

  # The service's JWKS as a static file (the driver signs the `service` token).
  mkdir -p "$WORK/jwks/www"
  "$DRIVER" keys --dir "$WORK/jwks/www"
  static_nginx "$WORK/jwks" "$JWKS_PORT" jwks.json

  env PSP_PORT="$PSP_PORT" PSP_HOST=127.0.0.1 PSP_STATE_DIR="$WORK/psp" \
    PSP_WEBHOOK_URL="http://127.0.0.1:$PAYMENT_PORT/v1/payments/webhooks/sandbox" PSP_WEBHOOK_DELAY_MS=0 \
    taskset -c "$SERVER_CPU" node "$ROOT/deploy/psp-sandbox/sandbox.mjs" >"$WORK/psp.log" 2>&1 &
  PSP_PID=$!
  wait_ready "http://127.0.0.1:$PSP_PORT/healthz"

  env PAYMENT_HTTP_HOST=127.0.0.1 PAYMENT_HTTP_PORT="$PAYMENT_PORT" PAYMENT_DB_DATABASE="$DB" \
    PAYMENT_DB_HOST="$STORE_HOST" PAYMENT_DB_PORT="$STORE_MARIADB_PORT" PAYMENT_DB_USER="$STORE_MARIADB_USER" \
    PAYMENT_DB_PASSWORD="$STORE_MARIADB_PASSWORD" PAYMENT_DB_POOL_SIZE=16 PAYMENT_CACHE_HOST="$STORE_HOST" \
    PAYMENT_CACHE_PORT="$STORE_REDIS_PORT" PAYMENT_AUTH_JWKS_URL="http://127.0.0.1:$JWKS_PORT/jwks.json" \
    PAYMENT_KAFKA_BOOTSTRAP="$STORE_HOST:$STORE_KAFKA_PORT" PAYMENT_EVENTS_TOPIC_PREFIX=bench. PAYMENT_CONSUMER_ENABLED=false \
    PAYMENT_SANDBOX_URL="http://127.0.0.1:$PSP_PORT" PAYMENT_LOG_LEVEL=${PAYMENT_LOG_LEVEL:-warn} \
    taskset -c "$SERVER_CPU" "$PAYMENT" >"$WORK/payment.log" 2>&1 &
  PAYMENT_PID=$!
  wait_ready "http://127.0.0.1:$PAYMENT_PORT/readyz"
  log "${STEP_SECONDS}s per step; concurrency: $CONCURRENCY"

  printf 'clients\tpayments/s\tpay p50 ms\tpay p99 ms\terrors\tcommits/s\tcommit p50 ms\tcommit p99 ms\tratio\n' >"$WORK/table"
  for c in $CONCURRENCY; do
    taskset -c "$LOAD_CPU" "$DRIVER" pay --url "http://127.0.0.1:$PAYMENT_PORT" --token-file "$WORK/jwks/www/token" \
      --concurrency "$c" --duration "$STEP_SECONDS" >"$WORK/pay-$c.json"
    sleep 2  # the last webhooks
    taskset -c "$LOAD_CPU" "$DRIVER" commit --host "$STORE_HOST" --port "$STORE_MARIADB_PORT" --user "$STORE_MARIADB_USER" \
      --password "$STORE_MARIADB_PASSWORD" --database "${DB}_ref" --concurrency "$c" --duration "$STEP_SECONDS" >"$WORK/commit-$c.json"
    jq -r -s --argjson c "$c" '.[0] as $p | .[1] as $r
      | [$c, ($p.rate * 10 | round / 10), $p.latency_ms.p50, $p.latency_ms.p99, $p.errors,
         ($r.rate * 10 | round / 10), $r.latency_ms.p50, $r.latency_ms.p99, (($p.rate / $r.rate) * 1000 | round / 1000)]
      | map(if type == "number" and . != floor then (. * 100 | round / 100) else . end) | @tsv' \
      "$WORK/pay-$c.json" "$WORK/commit-$c.json" >>"$WORK/table"
    log "$(tail -1 "$WORK/table")"
    jq -e '.errors == 0' "$WORK/pay-$c.json" >/dev/null || log "errors: $(jq -c .error_kinds "$WORK/pay-$c.json")"
  done
  echo
  cat "$WORK/table"
  local ledger
  ledger=$(mysql_ -N "$DB" -e "SELECT COUNT(*) FROM payment_intents WHERE status = 'captured'")
  echo
  echo "captured intents in the run's database: $ledger"
}

main "$@"

#!/usr/bin/env bash
# Checkout benchmark (issue #13, ./store bench checkout): orders confirmed per second end to end
# (place -> confirmed through Kafka: stock reserved, payment intent, card paid at the provider's
# page, its webhook, payment.succeeded, confirmation), open model, next to its local references
# measured in the same run: the MariaDB durable commit rate and a Kafka produce -> consume round
# trip. Writes docs/benchmarks/checkout.md's results section to stdout and keeps every step's JSON
# in the work directory (KEEP_WORK=1 keeps it).
#   - references first: bench/lib's commit reference on 1 and 16 connections, then the Kafka round
#     trip (store_bench_checkout kafka);
#   - then a shop of its own (store_bench_checkout checkout: the e2e purchase stack on this build's
#     binaries, sandbox webhooks at once) and steps of offered rates (RATES, orders per second),
#     STEP_SECONDS each; a step passes when every order is confirmed, none failed and p99 < 200 ms;
#     the sweep stops after two failing steps.
# Figure (issue #13): confirmed orders/s x the MariaDB commits an order costs (measured: COMMIT
# statements per confirmed order) / the durable commit rate; target >= 0.5.
#
#   bench/checkout/run.sh                         # about 5 minutes
#   RATES="10 20" STEP_SECONDS=5 bench/checkout/run.sh
#
# Uses the running shared MariaDB, Redis, Kafka, OpenSearch, FerretDB and MailDev (./store up or
# ./store engines); everything it creates is removed afterwards. Nothing is pinned: the shop's
# eleven processes, the engines and the driver share the machine's cores, as they would on one host.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build/release}
DRIVER=$BUILD_DIR/bench/checkout/store_bench_checkout
RATES=${RATES:-"10 20 30 40 50 60 70 80"}
STEP_SECONDS=${STEP_SECONDS:-10}
. "$ROOT/bench/lib/common.sh"

build_tools() {
  log "building the release binaries and the driver in $BUILD_DIR"
  [[ -d $BUILD_DIR ]] || (cd "$ROOT" && cmake --preset release >/dev/null)
  cmake --build "$BUILD_DIR" -j2 --target store_bench_checkout
}

cleanup() {
  [[ -n ${DB:-} ]] && mysql_ -e "DROP DATABASE IF EXISTS \`$DB\`" 2>/dev/null || true
  [[ -n ${WORK:-} && -z ${KEEP_WORK:-} ]] && rm -rf "$WORK"
}

main() {
  command -v jq >/dev/null || { log "jq is required"; exit 1; }
  build_tools
  WORK=$(mktemp -d /tmp/bench_checkout.XXXXXX)
  DB=bench_checkout_ref_$$
  trap cleanup EXIT
  mysql_ -e "CREATE DATABASE \`$DB\`"

  local c
  for c in 1 16; do
    "$DRIVER" commit --host "$STORE_HOST" --port "$STORE_MARIADB_PORT" --user "$STORE_MARIADB_USER" \
      --password "$STORE_MARIADB_PASSWORD" --database "$DB" --concurrency "$c" --duration "$STEP_SECONDS" >"$WORK/commit-$c.json"
    log "commit reference, $c connections: $(jq -c '{rate, latency_ms}' "$WORK/commit-$c.json")"
  done
  "$DRIVER" kafka --duration "$STEP_SECONDS" >"$WORK/kafka.json"
  log "kafka round trip: $(jq -c '{rate, latency_ms}' "$WORK/kafka.json")"

  log "checkout steps of ${STEP_SECONDS}s, offered rates: $RATES"
  "$DRIVER" checkout --rates "$RATES" --duration "$STEP_SECONDS" | tee "$WORK/steps.jsonl" | while read -r step; do
    log "$(jq -c '{offered, rate, errors, p99: .latency_ms.p99, pass}' <<<"$step")"
  done

  local best_commit
  best_commit=$(jq -s 'map(.rate) | max' "$WORK"/commit-*.json)
  echo "| offered/s | confirmed/s | p50 | p99 | max | errors | late starts | COMMITs/order | redo log writes/order | driver CPU/order | ratio | pass |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|"
  jq -r --argjson commit "$best_commit" '
      def r(n): (. * n | round) / n;
      "| \(.offered) | \(.rate | r(10)) | \(.latency_ms.p50 | r(1)) ms | \(.latency_ms.p99 | r(1)) ms | \(.latency_ms.max | r(1)) ms | \(.errors) | \(.late_starts) | \(.com_commit_per_order | r(10)) | \(.log_writes_per_order | r(10)) | \(.driver_cpu_ms_per_order | r(10)) ms | \((.rate * .com_commit_per_order / $commit) | r(1000)) | \(if .pass then "yes" else "no" end) |"' \
    "$WORK/steps.jsonl"
  echo
  for c in 1 16; do
    jq -r --arg c "$c" '"MariaDB durable commit, \($c) connection(s): \(.rate | round) commits/s, p50 \(.latency_ms.p50 * 100 | round / 100) ms, p99 \(.latency_ms.p99 * 100 | round / 100) ms"' "$WORK/commit-$c.json"
  done
  jq -r '"Kafka produce -> consume round trip: \(.rate | round) round trips/s one after the other, p50 \(.latency_ms.p50 * 100 | round / 100) ms, p99 \(.latency_ms.p99 * 100 | round / 100) ms"' "$WORK/kafka.json"
  local best
  best=$(jq -s 'map(select(.pass)) | max_by(.rate) // empty' "$WORK/steps.jsonl")
  if [[ -n $best ]]; then
    jq -r --argjson commit "$best_commit" '"Best passing step: \(.rate * 10 | round / 10) orders/s confirmed at p99 \(.latency_ms.p99 | round) ms; x \(.com_commit_per_order * 10 | round / 10) COMMITs per order = \((.rate * .com_commit_per_order) | round) commits/s = \((.rate * .com_commit_per_order / $commit) * 1000 | round / 1000) x the durable commit rate (\($commit | round)/s); target >= 0.5"' <<<"$best"
  else
    echo "No step passed (p99 < 200 ms with every order confirmed)."
  fi
}

main "$@"

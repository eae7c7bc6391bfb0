#!/usr/bin/env bash
# ./store COMMAND — see `./store help`.
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/lib/common.sh"
. "$STORE_ROOT/scripts/lib/install.sh"
. "$STORE_ROOT/scripts/lib/engines.sh"
. "$STORE_ROOT/scripts/lib/services.sh"
. "$STORE_ROOT/scripts/lib/gateway.sh"
. "$STORE_ROOT/scripts/lib/demo.sh"
. "$STORE_ROOT/scripts/lib/fuzz.sh"

usage() {
  cat <<USAGE
Usage: ./store COMMAND

  up        install what is missing, build, start the engines and the shop; idempotent
  down      stop exactly what 'up' started
  engines   install what is missing and start only the engines
  status    each component with its port, pid and health
  test      install, build, start the engines if needed, run every test (ctest), stop what it started
  install   only the install step (apt, Maven, Go and npm packages; pinned versions)
  build     only the build (release preset; \$STORE_BUILD_PRESET picks another)
  bench     NAME  run a benchmark from bench/ (see docs/benchmarks/)
  fuzz-api  schemathesis (pinned virtualenv) against the four OpenAPI contracts, unauthenticated,
            as a customer and as an admin; fails on a 5xx or an undocumented status (docs/api-fuzzing.md)
  logs      NAME  follow a component's log

State (engine data, logs, pids) lives in $STORE_STATE; installs in $STORE_OPT.
USAGE
}

cmd_up() {
  local t0; t0=$(now_ms)
  install_all
  local preset=${STORE_BUILD_PRESET:-release}
  build_all "$preset" store_runtime
  engines_up
  oidc_up
  psp_up
  services_up "$preset"
  demo_data_up "$preset"
  gateway_up "$preset"
  echo
  say "the shop is up in $(( ($(now_ms) - t0) / 1000 ))s"
  show_status
  echo
  echo "  The shop:       http://127.0.0.1:$STORE_GATEWAY_PORT  (the storefront; APIs under /api/<service>/)"
  echo "  The admin:      http://127.0.0.1:$STORE_GATEWAY_PORT/admin/  (admin@store.local, services/user/config/defaults.conf)"
  echo "  MailDev inbox:  http://127.0.0.1:$STORE_MAILDEV_WEB_PORT"
  echo "  OpenID provider (dev): http://127.0.0.1:$STORE_OIDC_PORT"
  echo "  Payment provider sandbox (dev): http://127.0.0.1:$STORE_PSP_PORT"
  echo "  OpenSearch:     http://127.0.0.1:$STORE_OPENSEARCH_PORT"
  echo "  Stop with ./store down; see ./store status."
}

# Tests run on the asan preset (AddressSanitizer + UBSan): every test is also a memory-safety
# check. STORE_BUILD_PRESET=release ./store test runs them on the optimised build instead.
cmd_test() {
  local preset=${STORE_BUILD_PRESET:-asan}
  install_all
  # What ./store up builds (the release store_runtime) must build too: its -O2 code gets warnings
  # the -O1 sanitizer build never sees, and a fresh machine's first command is ./store up.
  [ "$preset" = release ] || build_all release store_runtime
  build_all "$preset"
  # Engines already running (a developer's ./store up) are reused; those this run starts, it stops.
  TEST_STARTED=()
  local e
  for e in "${ENGINES[@]}"; do pid_of "$e" >/dev/null || TEST_STARTED+=("$e"); done
  if [ ${#TEST_STARTED[@]} -gt 0 ]; then
    trap 'say "stopping the engines this test run started"; for e in "${TEST_STARTED[@]}"; do stop_process "$e"; done' EXIT
  fi
  engines_up
  say "running every test (ctest)"
  local jobs=${STORE_TEST_JOBS:-2}
  ctest --test-dir "$STORE_ROOT/build/$preset" --output-on-failure -j "$jobs" "$@"
}

show_status() { engines_status; services_status; gateway_status; }

main() {
  local cmd=${1:-help}; shift || true
  case $cmd in
    up) cmd_up ;;
    engines) install_all; engines_up ;;
    down) say "stopping"; gateway_down; services_down; engines_down ;;
    status) show_status ;;
    test) cmd_test "$@" ;;
    install) install_all ;;
    build) build_all "${STORE_BUILD_PRESET:-release}" ;;
    fuzz-api) cmd_fuzz_api ;;
    bench) [ $# -ge 1 ] || die "usage: ./store bench NAME"; exec "$STORE_ROOT/bench/$1/run.sh" "${@:2}" ;;
    logs) [ $# -ge 1 ] || die "usage: ./store logs NAME"; exec tail -F "$STORE_LOGS/$1.log" ;;
    help|-h|--help) usage ;;
    *) usage; die "unknown command: $cmd" ;;
  esac
}
main "$@"

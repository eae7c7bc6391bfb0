#!/usr/bin/env bash
# ./store's promises about the engines, checked against the real processes:
#  1. a second `up` (here: `./store engines`) while everything runs changes nothing (same pids);
#  2. `status` shows every engine healthy with its port and pid;
#  3. an engine that fails to start stops `up` with a message naming the engine, what was
#     expected and the path of its log.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
failures=0
check() { if eval "$2"; then echo "ok   - $1"; else echo "FAIL - $1"; failures=$((failures + 1)); fi; }

run_dir=${STORE_STATE:-$root/.state}/run
pids_before=$(cat "$run_dir"/*.pid | sort)
out=$("$root/store" engines 2>&1)
pids_after=$(cat "$run_dir"/*.pid | sort)
check "a second start while running keeps every process (same pids)" '[ "$pids_before" = "$pids_after" ]'
check "a second start says each engine is already running" '[ "$(grep -c "already running" <<<"$out")" -eq 6 ]'

status=$("$root/store" status 2>&1)
check "status lists six healthy engines" '[ "$(grep -c healthy <<<"$status")" -eq 6 ] && ! grep -q unhealthy <<<"$status"'
check "status shows MariaDB with its port, pid and memory" 'grep -Eq "^mariadb +13306 +[0-9]+ +[0-9]+ " <<<"$status"'

# A broken MariaDB data directory in a throw-away state dir, on ports nobody uses.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/data/mariadb/mysql"
echo "not a tablespace" > "$tmp/data/mariadb/ibdata1"
fail_out=$(STORE_STATE=$tmp STORE_MARIADB_PORT=23306 timeout 120 "$root/store" engines 2>&1)
rc=$?
check "a failed engine start exits non-zero" '[ $rc -ne 0 ]'
check "the message names the engine, what was expected and its log" \
  'grep -q "mariadb exited while starting: expected SQL on 127.0.0.1:23306. Its log: $tmp/log/mariadb.log" <<<"$fail_out"'
[ $failures -eq 0 ] || { echo "$fail_out"; exit 1; }

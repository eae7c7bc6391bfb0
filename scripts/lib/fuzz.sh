# ./store fuzz-api: schemathesis, as an outside API tester would run it, against the five contracts
# (contracts/openapi/{user,catalog,search,notification,cart}.yaml) and the services built from this
# checkout — unauthenticated, as a customer and as an admin — checking for server errors and for
# statuses the contracts do not list. Results: docs/api-fuzzing.md.
#
# The services run on free ports beside anything `./store up` started, on fresh databases
# (fuzz_user, fuzz_catalog, fuzz_notification; the FerretDB database fuzz_cart_<stamp>), Redis logical database $STORE_FUZZ_REDIS_DB
# (flushed first), their own OpenSearch alias (filled from the shop's product topics by a consumer
# group of the run's own) and no other consumers of the shop's topics, so a run changes nothing
# of the shop's data. schemathesis lives in its own virtualenv
# ($STORE_OPT/venv-schemathesis) installed from scripts/fuzz/requirements.lock (pinned, --no-deps).
#
# Bounded: STORE_FUZZ_EXAMPLES (default 20) generated cases per operation and phase, a fixed seed
# (STORE_FUZZ_SEED), so a run takes a few minutes and can be repeated exactly.
# shellcheck shell=bash

FUZZ_VENV=$STORE_OPT/venv-schemathesis
FUZZ_LOCK=$STORE_ROOT/scripts/fuzz/requirements.lock
# Debian's python (python3-venv in APT_PACKAGES): the same interpreter on every machine.
FUZZ_PYTHON=${STORE_FUZZ_PYTHON:-/usr/bin/python3}

install_schemathesis() {
  if [ -x "$FUZZ_VENV/bin/schemathesis" ] && cmp -s "$FUZZ_LOCK" "$FUZZ_VENV/.store-lock"; then
    ok "schemathesis $(grep '^schemathesis==' "$FUZZ_LOCK" | cut -d= -f3) present"; return
  fi
  say "installing schemathesis into $FUZZ_VENV (scripts/fuzz/requirements.lock)"
  rm -rf "$FUZZ_VENV"
  "$FUZZ_PYTHON" -m venv "$FUZZ_VENV" || die "$FUZZ_PYTHON -m venv failed (Debian's python3-venv is in APT_PACKAGES: ./store install)"
  "$FUZZ_VENV/bin/pip" install -q --disable-pip-version-check --no-deps -r "$FUZZ_LOCK" || die "pip could not install $FUZZ_LOCK"
  cp "$FUZZ_LOCK" "$FUZZ_VENV/.store-lock"
  ok "schemathesis installed"
}

fuzz_free_port() { "$FUZZ_VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
fuzz_sql() { mariadb --no-defaults -h "$STORE_HOST" -P "$STORE_MARIADB_PORT" -u "$STORE_MARIADB_USER" -p"$STORE_MARIADB_PASSWORD" -e "$1"; }
fuzz_json() { "$FUZZ_VENV/bin/python" -c "import json, sys; print(json.load(sys.stdin)$1)"; }
fuzz_config() { sed -n "s/^$2 *= *//p" "$STORE_ROOT/services/$1/config/defaults.conf"; }

# fuzz_token EMAIL PASSWORD: a fresh access token from the fuzz user service.
fuzz_token() {
  curl -sf -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$2\"}" "http://$STORE_HOST:${FUZZ_PORT[user]}/v1/auth/login" | fuzz_json '["access_token"]'
}

declare -A FUZZ_PORT
FUZZ_STARTED=()

fuzz_stop() {
  local p
  for p in "${FUZZ_STARTED[@]}"; do stop_process "$p"; done
  for p in "${FUZZ_ENGINES_STARTED[@]}"; do stop_process "$p"; done
  if [ -n "${FUZZ_ALIAS:-}" ]; then curl -s -X DELETE "http://$STORE_HOST:$STORE_OPENSEARCH_PORT/$FUZZ_ALIAS*" >/dev/null || true; fi
}

cmd_fuzz_api() {
  local preset=${STORE_BUILD_PRESET:-asan} t0; t0=$(now_ms)
  local stamp; stamp=$(date +%Y%m%dT%H%M%S)
  local dir=${STORE_FUZZ_DIR:-$STORE_STATE/fuzz/$stamp}
  local examples=${STORE_FUZZ_EXAMPLES:-20} seed=${STORE_FUZZ_SEED:-20261206} redis_db=${STORE_FUZZ_REDIS_DB:-9}
  install_all
  install_schemathesis
  say "building the services ($preset)"
  export CCACHE_BASEDIR=$STORE_ROOT CCACHE_NOHASHDIR=true
  [ -f "$STORE_ROOT/build/$preset/build.ninja" ] || cmake --preset "$preset" >/dev/null || die "cmake configure failed"
  local name portvar prefix database exe targets=()
  while read -r name portvar prefix database exe; do targets+=("$(basename "$exe")"); done < <(services_list)
  cmake --build "$STORE_ROOT/build/$preset" --target "${targets[@]}" || die "build failed"

  FUZZ_ENGINES_STARTED=()
  local e
  for e in "${ENGINES[@]}"; do pid_of "$e" >/dev/null || FUZZ_ENGINES_STARTED+=("$e"); done
  trap fuzz_stop EXIT
  engines_up

  mkdir -p "$dir"
  rm -f "$dir"/*.har "$dir"/*.xml
  FUZZ_ALIAS=fuzz-products-${stamp,,}  # OpenSearch names are lowercase
  redis-cli -h "$STORE_HOST" -p "$STORE_REDIS_PORT" -n "$redis_db" FLUSHDB >/dev/null || die "redis-cli FLUSHDB failed"
  say "starting the services on free ports (logs in $dir)"
  while read -r name portvar prefix database exe; do FUZZ_PORT[$name]=$(fuzz_free_port); done < <(services_list)
  local jwks="http://$STORE_HOST:${FUZZ_PORT[user]}/.well-known/jwks.json"
  while read -r name portvar prefix database exe; do
    local port=${FUZZ_PORT[$name]}
    local env=("${prefix}_HTTP_PORT=$port" "${prefix}_HTTP_HOST=$STORE_HOST" "${prefix}_LOG_LEVEL=warn"
               "${prefix}_CACHE_DATABASE=$redis_db" "${prefix}_AUTH_JWKS_URL=$jwks" "STORE_STATE=$dir/state")
    env+=($(engine_env "$prefix"))
    if [ "$database" != - ]; then
      fuzz_sql "DROP DATABASE IF EXISTS fuzz_$name; CREATE DATABASE fuzz_$name CHARACTER SET utf8mb4" || die "cannot create fuzz_$name"
      env+=("${prefix}_DB_DATABASE=fuzz_$name")
    fi
    case $name in
      user) env+=(USER_AUTH_REQUIRE_VERIFIED_EMAIL=false USER_OIDC_PROVIDERS=) ;;  # customers log in at once
      catalog) env+=(CATALOG_CONSUMER_ENABLED=false "CATALOG_MEDIA_DIR=$dir/media") ;;
      # Its own index behind its own alias, filled by its own consumer group from the shop's
      # product topics (read only): searches find real documents, the shop's index is untouched.
      search) env+=("SEARCH_INDEX_ALIAS=$FUZZ_ALIAS" "SEARCH_INDEXER_GROUP=fuzz-$stamp") ;;
      notification) env+=(NOTIFICATION_CONSUMER_TOPICS=fuzz.nothing.v1 "NOTIFICATION_CONSUMER_GROUP=fuzz-$stamp") ;;
      cart) env+=("CART_CATALOG_URL=http://$STORE_HOST:${FUZZ_PORT[catalog]}" "CART_DOCSTORE_DATABASE=fuzz_cart_${stamp,,}"
                  CART_COOKIE_SECURE=false) ;;
    esac
    start_process "fuzz-$name" "$dir/$name.log" env "${env[@]}" "$STORE_ROOT/build/$preset/$exe"
    FUZZ_STARTED+=("fuzz-$name")
    wait_until "fuzz-$name" 120 "$dir/$name.log" "GET /readyz on $port" ready_service "$port"
  done < <(services_list)

  # A customer (registered now; email verification is off for this run) and the dev admin of
  # services/user/config/defaults.conf. Tokens are fetched anew for every run: a run may log
  # its caller out.
  local customer=fuzz-customer@example.com customer_password="fuzz customer password 1"
  local admin admin_password
  admin=$(fuzz_config user admin.bootstrap_email) admin_password=$(fuzz_config user admin.bootstrap_password)
  curl -sf -o /dev/null -H 'Content-Type: application/json' -d "{\"email\":\"$customer\",\"password\":\"$customer_password\"}" \
    "http://$STORE_HOST:${FUZZ_PORT[user]}/v1/auth/register" || die "registering the fuzz customer failed"

  local contract caller token rc=0
  # The user contract last: its admin and customer runs may delete or log out their own accounts.
  for contract in catalog search notification cart user; do
    for caller in anonymous customer admin; do
      case $caller in
        anonymous) token= ;;
        customer) token=$(fuzz_token "$customer" "$customer_password") || die "customer login failed" ;;
        admin) token=$(fuzz_token "$admin" "$admin_password") || die "admin login failed" ;;
      esac
      say "schemathesis: $contract as $caller"
      # One worker: Debian bookworm's Python 3.11.2 has CPython gh-106905 (fixed in 3.11.8), a race in
      # ast construction between threads that schemathesis' workers hit as "SystemError: AST
      # constructor recursion depth mismatch" (a tester crash, not an API failure).
      # In the run's directory: schemathesis keeps its example database (.schemathesis/) in the cwd.
      (cd "$dir" && "$FUZZ_VENV/bin/schemathesis" run "$STORE_ROOT/contracts/openapi/$contract.yaml" \
        --url "http://$STORE_HOST:${FUZZ_PORT[$contract]}" \
        --checks not_a_server_error,status_code_conformance \
        --phases examples,coverage,fuzzing --max-examples "$examples" --seed "$seed" --workers 1 \
        --suppress-health-check all --request-timeout 10 --no-color \
        ${token:+--header "Authorization: Bearer $token"} \
        --report har,junit --report-har-path "$dir/$contract-$caller.har" --report-junit-path "$dir/$contract-$caller.xml" \
        ) >"$dir/$contract-$caller.out" 2>&1 || rc=1
      tail -n 3 "$dir/$contract-$caller.out" | sed 's/^/    /'
    done
  done
  say "summary ($(( ($(now_ms) - t0) / 1000 ))s; reports in $dir)"
  "$FUZZ_VENV/bin/python" "$STORE_ROOT/scripts/fuzz/summarize.py" "$dir" | tee "$dir/summary.md" || rc=1
  local errors
  errors=$(grep -h '"level":"error"' "$dir"/*.log | grep -c '"server error"' || true)
  echo; echo "server error log lines: $errors"
  [ "$rc" -eq 0 ] && ok "no 5xx and no undocumented status" || warn "schemathesis found failures: see $dir/*.out"
  return "$rc"
}

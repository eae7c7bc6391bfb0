# The shop's services (deploy/services.conf): start after the engines, stop before them.
# shellcheck shell=bash

# services_list: "name port prefix database executable" per line, comments dropped.
services_list() { grep -Ev '^[[:space:]]*(#|$)' "$STORE_ROOT/deploy/services.conf"; }

# Creates a service's schema (idempotent). Locally the shop's MariaDB user may use every schema
# (engines.sh); in production each service gets its own user with rights on its schema only.
ensure_database() { mariadb_root -e "CREATE DATABASE IF NOT EXISTS \`$1\`"; }

# engine_env PREFIX: the libs' connection keys (db.*, cache.*, kafka.*, docstore.uri), the
# other services' URLs (catalog.url, cart.url, user.url, payment.url, and the user service's token
# endpoint for service credentials), the payment provider sandbox's (sandbox.url) and the shop's
# public origin, the gateway (shop.base_url) as PREFIX_* variables.
engine_env() {
  echo "$1_DB_HOST=$STORE_HOST $1_DB_PORT=$STORE_MARIADB_PORT $1_DB_USER=$STORE_MARIADB_USER" \
       "$1_DB_PASSWORD=$STORE_MARIADB_PASSWORD $1_CACHE_HOST=$STORE_HOST $1_CACHE_PORT=$STORE_REDIS_PORT" \
       "$1_KAFKA_BOOTSTRAP=$STORE_HOST:$STORE_KAFKA_PORT" \
       "$1_DOCSTORE_URI=mongodb://$STORE_HOST:$STORE_FERRETDB_PORT/" \
       "$1_CATALOG_URL=http://$STORE_HOST:$STORE_CATALOG_PORT" "$1_CART_URL=http://$STORE_HOST:$STORE_CART_PORT" \
       "$1_USER_URL=http://$STORE_HOST:$STORE_USER_PORT" "$1_PAYMENT_URL=http://$STORE_HOST:$STORE_PAYMENT_PORT" \
       "$1_SERVICE_CLIENT_TOKEN_URL=http://$STORE_HOST:$STORE_USER_PORT/v1/oauth/token" \
       "$1_SANDBOX_URL=http://$STORE_HOST:$STORE_PSP_PORT" \
       "$1_SHOP_BASE_URL=http://$STORE_HOST:$STORE_GATEWAY_PORT"
}

ready_service() { curl -sf "http://$STORE_HOST:$1/readyz"; }

services_up() {
  local preset=$1 bin=$STORE_ROOT/build/$1
  say "starting the services (build $preset)"
  local name portvar prefix database exe port
  while read -r name portvar prefix database exe; do
    port=${!portvar}
    [ -x "$bin/$exe" ] || die "$name: $bin/$exe is missing (./store build)"
    # The engines' endpoints from deploy/ports.env (so an override there reaches every process).
    local env=("${prefix}_HTTP_PORT=$port" "STORE_STATE=$STORE_STATE")
    env+=($(engine_env "$prefix"))
    if [ "$database" != - ]; then
      ensure_database "$database"
      env+=("${prefix}_DB_DATABASE=$database")
      if ! pid_of "$name-relay" >/dev/null; then
        start_process "$name-relay" "$STORE_LOGS/$name-relay.log" \
          env $(engine_env OUTBOX_RELAY) OUTBOX_RELAY_DB_DATABASE="$database" OUTBOX_RELAY_KAFKA_CLIENT_ID="$name-relay" \
          "$bin/libs/messaging/store_outbox_relay"
      fi
    fi
    if pid_of "$name" >/dev/null; then
      ready_service "$port" >/dev/null 2>&1 && { ok "$name already running"; continue; }
      die "$name is running (pid $(pid_of "$name")) but not ready: see $STORE_LOGS/$name.log, or ./store down"
    fi
    port_open "$port" && die "port $port for $name is taken by another process (not started by ./store)"
    start_process "$name" "$STORE_LOGS/$name.log" env "${env[@]}" "$bin/$exe"
    wait_until "$name" 60 "$STORE_LOGS/$name.log" "GET /readyz on $port" ready_service "$port"
  done < <(services_list)
}

services_down() {
  local name rest names=()
  while read -r name rest; do names=("$name" "${names[@]}"); done < <(services_list)
  for name in "${names[@]}"; do
    for p in "$name" "$name-relay"; do
      if pid_of "$p" >/dev/null; then stop_process "$p"; ok "$p stopped"; fi
    done
  done
}

services_status() {
  local name portvar prefix database exe port pid rss health
  while read -r name portvar prefix database exe; do
    port=${!portvar}
    pid=$(pid_of "$name") || pid=-
    rss=-
    if [ "$pid" = - ]; then health=stopped
    else
      rss=$(rss_mib "$pid")
      if ready_service "$port" >/dev/null 2>&1; then health=${G}ready${N}; else health=${R}not ready${N}; fi
    fi
    printf '%-12s %-14s %-8s %-9s %s\n' "$name" "$port" "$pid" "$rss" "$health"
  done < <(services_list)
}

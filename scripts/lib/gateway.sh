# The API gateway (nginx, deploy/nginx), the local OpenID provider (deploy/oidc, development only)
# and the payment provider sandbox (deploy/psp-sandbox, development only: plays Stripe/Adyen for the
# payment service): started by `./store up` (oidc and psp before the services, the gateway after
# them), stopped by `./store down`, shown by `./store status`.
# shellcheck shell=bash

GATEWAY_PREFIX=$STORE_STATE/gateway
NGINX_BIN=${NGINX_BIN:-/usr/sbin/nginx}

ready_gateway() { curl -sf "http://$STORE_HOST:$STORE_GATEWAY_PORT/healthz"; }
ready_oidc() { curl -sf "http://$STORE_HOST:$STORE_OIDC_PORT/.well-known/openid-configuration"; }
ready_psp() { curl -sf "http://$STORE_HOST:$STORE_PSP_PORT/healthz"; }

# Starts the local OpenID provider: issuer http://127.0.0.1:$STORE_OIDC_PORT, the user service's
# dev client (redirects to its callback through the gateway and directly), its RS256 key kept
# under $STORE_DATA/oidc so a restart keeps the keys the user service cached.
oidc_up() {
  if pid_of oidc >/dev/null; then ok "oidc already running"; return; fi
  port_open "$STORE_OIDC_PORT" && die "port $STORE_OIDC_PORT for oidc is taken by another process (not started by ./store)"
  [ -d "$STORE_ROOT/deploy/node/node_modules/oidc-provider" ] || die "oidc-provider is not installed (./store install)"
  start_process oidc "$STORE_LOGS/oidc.log" env OIDC_PORT="$STORE_OIDC_PORT" OIDC_HOST="$STORE_HOST" \
    OIDC_KEY_FILE="$STORE_DATA/oidc/signing-key.jwk" node "$STORE_ROOT/deploy/oidc/dev-provider.mjs"
  wait_until oidc 30 "$STORE_LOGS/oidc.log" "GET /.well-known/openid-configuration on $STORE_OIDC_PORT" ready_oidc
}

# Starts the payment provider sandbox: server API and hosted pages on http://127.0.0.1:$STORE_PSP_PORT,
# signed webhooks to the payment service (retried until it is up), its objects kept under
# $STORE_DATA/psp-sandbox so a restart keeps them.
psp_up() {
  if pid_of psp >/dev/null; then ok "psp already running"; return; fi
  port_open "$STORE_PSP_PORT" && die "port $STORE_PSP_PORT for psp is taken by another process (not started by ./store)"
  start_process psp "$STORE_LOGS/psp.log" env PSP_PORT="$STORE_PSP_PORT" PSP_HOST="$STORE_HOST" \
    PSP_STATE_DIR="$STORE_DATA/psp-sandbox" \
    PSP_WEBHOOK_URL="http://$STORE_HOST:$STORE_PAYMENT_PORT/v1/payments/webhooks/sandbox" \
    node "$STORE_ROOT/deploy/psp-sandbox/sandbox.mjs"
  wait_until psp 30 "$STORE_LOGS/psp.log" "GET /healthz on $STORE_PSP_PORT" ready_psp
}

# gateway_up PRESET: renders deploy/nginx into $STORE_STATE/gateway (the storefront's build from
# build/PRESET/web/storefront, the admin app from build/PRESET/web/admin, media from $STORE_STATE/media), checks it (nginx -t) and starts nginx
# in the foreground under start_process.
gateway_up() {
  local preset=${1:-release}
  if pid_of gateway >/dev/null; then ok "gateway already running"; return; fi
  port_open "$STORE_GATEWAY_PORT" && die "port $STORE_GATEWAY_PORT for the gateway is taken by another process (not started by ./store)"
  GATEWAY_STATIC_ROOT=${GATEWAY_STATIC_ROOT:-$STORE_ROOT/build/$preset/web/storefront} \
  GATEWAY_ADMIN_ROOT=${GATEWAY_ADMIN_ROOT:-$STORE_ROOT/build/$preset/web/admin} GATEWAY_MEDIA_ROOT=${GATEWAY_MEDIA_ROOT:-$STORE_STATE/media} \
    GATEWAY_ACCESS_LOG=${GATEWAY_ACCESS_LOG:-$STORE_LOGS/gateway-access.log} \
    "$STORE_ROOT/deploy/nginx/render.sh" "$GATEWAY_PREFIX"
  "$NGINX_BIN" -q -t -p "$GATEWAY_PREFIX" -c "$GATEWAY_PREFIX/conf/nginx.conf" >"$STORE_LOGS/gateway.log" 2>&1 \
    || die "the gateway's nginx config does not pass nginx -t: see $STORE_LOGS/gateway.log"
  start_process gateway "$STORE_LOGS/gateway.log" "$NGINX_BIN" -p "$GATEWAY_PREFIX" -c "$GATEWAY_PREFIX/conf/nginx.conf"
  wait_until gateway 10 "$STORE_LOGS/gateway.log" "GET /healthz on $STORE_GATEWAY_PORT" ready_gateway
}

gateway_down() {
  local p
  for p in gateway psp oidc; do
    if pid_of "$p" >/dev/null; then stop_process "$p"; ok "$p stopped"; fi
  done
}

gateway_status() {
  local name port pid rss health
  for name in gateway oidc psp; do
    case $name in gateway) port=$STORE_GATEWAY_PORT ;; oidc) port=$STORE_OIDC_PORT ;; psp) port=$STORE_PSP_PORT ;; esac
    pid=$(pid_of "$name") || pid=-
    rss=-
    if [ "$pid" = - ]; then health=stopped
    else
      rss=$(rss_mib "$pid")
      if "ready_$name" >/dev/null 2>&1; then health=${G}ready${N}; else health=${R}not ready${N}; fi
    fi
    printf '%-12s %-14s %-8s %-9s %s\n' "$name" "$port" "$pid" "$rss" "$health"
  done
}

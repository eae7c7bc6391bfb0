#!/usr/bin/env bash
# deploy/nginx/render.sh PREFIX — renders the API gateway's nginx config into PREFIX/conf/nginx.conf
# (from gateway.conf.template + response_headers.conf) and makes PREFIX's temp and cache dirs.
# Then: nginx -p PREFIX -c PREFIX/conf/nginx.conf   (scripts/lib/gateway.sh and the e2e tests do).
#
# Settings (environment; defaults from deploy/ports.env):
#   GATEWAY_HOST (127.0.0.1)  GATEWAY_PORT (STORE_GATEWAY_PORT)
#   GATEWAY_USER_PORT GATEWAY_CATALOG_PORT GATEWAY_SEARCH_PORT GATEWAY_NOTIFICATION_PORT GATEWAY_CART_PORT GATEWAY_PAYMENT_PORT GATEWAY_ORDER_PORT (STORE_*_PORT)
#   GATEWAY_STATIC_ROOT (PREFIX/www)  GATEWAY_ADMIN_ROOT (PREFIX/admin)  GATEWAY_MEDIA_ROOT (PREFIX/media)
#   GATEWAY_RATE (30r/s) GATEWAY_BURST (60)                      every request, per client IP
#   GATEWAY_AUTH_RATE (10r/m) GATEWAY_AUTH_BURST (5)             login, register, resend, reset, per IP
#   GATEWAY_CONN_LIMIT (200)                                     concurrent connections per IP
#   GATEWAY_BODY_LIMIT (1m)  GATEWAY_IMAGE_BODY_LIMIT (8m, the catalog's image upload)
#   GATEWAY_WORKERS (auto)  GATEWAY_AUTH_CACHE (on|off)
#   GATEWAY_ACCESS_LOG (PREFIX/logs/access.log, or "off")  GATEWAY_ERROR_LOG (stderr)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ $# -eq 1 ] || { echo "usage: $0 PREFIX" >&2; exit 2; }
mkdir -p "$1"
PREFIX=$(cd "$1" && pwd)

if [ -z "${STORE_GATEWAY_PORT:-}" ]; then
  while IFS='=' read -r key value; do
    case $key in ''|\#*) continue ;; esac
    [ -n "${!key:-}" ] || export "$key=$value"
  done < "$here/../ports.env"
fi

HOST=${GATEWAY_HOST:-127.0.0.1}
PORT=${GATEWAY_PORT:-$STORE_GATEWAY_PORT}
USER_PORT=${GATEWAY_USER_PORT:-$STORE_USER_PORT}
CATALOG_PORT=${GATEWAY_CATALOG_PORT:-$STORE_CATALOG_PORT}
SEARCH_PORT=${GATEWAY_SEARCH_PORT:-$STORE_SEARCH_PORT}
NOTIFICATION_PORT=${GATEWAY_NOTIFICATION_PORT:-$STORE_NOTIFICATION_PORT}
CART_PORT=${GATEWAY_CART_PORT:-$STORE_CART_PORT}
PAYMENT_PORT=${GATEWAY_PAYMENT_PORT:-$STORE_PAYMENT_PORT}
ORDER_PORT=${GATEWAY_ORDER_PORT:-$STORE_ORDER_PORT}
STATIC_ROOT=${GATEWAY_STATIC_ROOT:-$PREFIX/www}
ADMIN_ROOT=${GATEWAY_ADMIN_ROOT:-$PREFIX/admin}
MEDIA_ROOT=${GATEWAY_MEDIA_ROOT:-$PREFIX/media}
RATE=${GATEWAY_RATE:-30r/s}
BURST=${GATEWAY_BURST:-60}
AUTH_RATE=${GATEWAY_AUTH_RATE:-10r/m}
AUTH_BURST=${GATEWAY_AUTH_BURST:-5}
CONN_LIMIT=${GATEWAY_CONN_LIMIT:-200}
BODY_LIMIT=${GATEWAY_BODY_LIMIT:-1m}
IMAGE_BODY_LIMIT=${GATEWAY_IMAGE_BODY_LIMIT:-8m}
WORKERS=${GATEWAY_WORKERS:-auto}
ERROR_LOG=${GATEWAY_ERROR_LOG:-stderr}
case ${GATEWAY_ACCESS_LOG:-$PREFIX/logs/access.log} in
  off) ACCESS_LOG=off ;;
  *) ACCESS_LOG="${GATEWAY_ACCESS_LOG:-$PREFIX/logs/access.log} gateway" ;;
esac
case ${GATEWAY_AUTH_CACHE:-on} in on) AUTH_NO_CACHE=0 ;; off) AUTH_NO_CACHE=1 ;; *) echo "GATEWAY_AUTH_CACHE: on or off" >&2; exit 2 ;; esac

# Retry-After (seconds) for a 429: the time one request's worth of the zone takes to come back.
retry_after() {
  local n=${1%r/*} unit=${1#*r/}
  case $unit in s) echo 1 ;; m) echo $(( (60 + n - 1) / n )) ;; *) echo "bad rate $1 (NNr/s or NNr/m)" >&2; exit 2 ;; esac
}
RETRY_AFTER=$(retry_after "$RATE")
AUTH_RETRY_AFTER=$(retry_after "$AUTH_RATE")
# As root, nginx's workers would run as nobody and could not use the gateway's own dirs.
if [ "$(id -u)" = 0 ]; then USER_DIRECTIVE="user root;"; else USER_DIRECTIVE=""; fi

mkdir -p "$PREFIX/conf" "$PREFIX/logs" "$PREFIX/tmp" "$PREFIX/cache/auth" "$STATIC_ROOT" "$ADMIN_ROOT" "$MEDIA_ROOT"
chmod 700 "$PREFIX/cache" "$PREFIX/tmp"
conf=$(<"$here/gateway.conf.template")
for var in HOST PORT USER_PORT CATALOG_PORT SEARCH_PORT NOTIFICATION_PORT CART_PORT PAYMENT_PORT ORDER_PORT STATIC_ROOT ADMIN_ROOT MEDIA_ROOT RATE BURST \
           AUTH_RATE AUTH_BURST CONN_LIMIT BODY_LIMIT IMAGE_BODY_LIMIT WORKERS ERROR_LOG ACCESS_LOG AUTH_NO_CACHE RETRY_AFTER \
           AUTH_RETRY_AFTER USER_DIRECTIVE PREFIX; do
  conf=${conf//"{{$var}}"/${!var}}
done
if [[ $conf =~ \{\{([A-Z_]+)\}\} ]]; then echo "render.sh: {{${BASH_REMATCH[1]}}} has no value" >&2; exit 1; fi
printf '%s\n' "$conf" > "$PREFIX/conf/nginx.conf.new"
cp "$here/response_headers.conf" "$PREFIX/conf/response_headers.conf"
mv -f "$PREFIX/conf/nginx.conf.new" "$PREFIX/conf/nginx.conf"

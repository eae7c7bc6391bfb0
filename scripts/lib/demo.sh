# The demo catalog: `./store up` fills an EMPTY catalog with the deterministic demo shop
# (services/catalog/README.md, "Demo catalog"); a catalog with products is left alone.
# STORE_DEMO_SEED (42) and STORE_DEMO_PRODUCTS (10000) choose the shop.
# shellcheck shell=bash

# The catalog's media.dir defaults to $STORE_STATE/media: export it so the services see it too.
export STORE_STATE

demo_data_up() {
  local preset=$1 bin database
  bin=$STORE_ROOT/build/$preset/services/catalog/store_catalog_demo
  database=$(services_list | awk '$1 == "catalog" { print $4 }')
  [ -n "$database" ] || return 0   # no catalog service configured
  [ -x "$bin" ] || die "catalog demo: $bin is missing (./store build)"
  say "demo catalog (only into an empty catalog)"
  if ! (cd "$STORE_ROOT" && env CATALOG_DB_DATABASE="$database" CATALOG_MEDIA_DIR="$STORE_STATE/media" \
        "$bin" --if-empty --seed "${STORE_DEMO_SEED:-42}" --products "${STORE_DEMO_PRODUCTS:-10000}") \
        >>"$STORE_LOGS/catalog-demo.log" 2>&1; then
    die "the catalog demo failed: see $STORE_LOGS/catalog-demo.log"
  fi
  ok "$(tail -n 1 "$STORE_LOGS/catalog-demo.log")"
}

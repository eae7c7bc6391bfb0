#!/usr/bin/env bash
# Storefront benchmark (./store bench storefront): Lighthouse on the storefront's pages of the
# running demo shop (./store up), mobile emulation (Lighthouse's default: a mid-range phone on
# throttled 4G, simulated), in Debian's chromium, with each page's weight; and the JavaScript a
# first visit of each page loads (web/storefront/tests/budget.mjs on the build the gateway
# serves). Writes docs/benchmarks/storefront.md (OUT= elsewhere).
# Budgets (issue #15): performance >= 90, accessibility >= 95, best practices >= 95, SEO >= 95;
# first-visit JavaScript <= 100 KB gzipped.
#   bench/storefront/run.sh              # about 2 minutes
#   PAGES="/ /cart" bench/storefront/run.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/bench/lib/common.sh"
OUT=${OUT:-$ROOT/docs/benchmarks/storefront.md}
BASE="http://127.0.0.1:$STORE_GATEWAY_PORT"
DIST=${DIST:-$ROOT/build/release/web/storefront}
curl -fsS -o /dev/null "$BASE/healthz" || { log "the shop is not up: run ./store up first"; exit 1; }

# A product and a category of the demo catalog, found through the shop's own search.
found=$(curl -fsS "$BASE/api/catalog/v1/search?q=laptop&in_stock=true&size=1")
product=$(jq -r '.items[0].slug' <<<"$found")
category=$(jq -r '.items[0].category.slug' <<<"$found")
PAGES=${PAGES:-"/ /search?q=laptop /c/$category /p/$product /cart /login"}

WORK=$(mktemp -d /tmp/bench_storefront.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
log "Lighthouse on $PAGES"
status=0
(cd "$ROOT/web/storefront" && STORE_URL=$BASE PAGES=$PAGES OUT=$WORK/lighthouse.md node tests/lighthouse.mjs) || status=$?
(cd "$ROOT/web/storefront" && node tests/budget.mjs "$DIST") >"$WORK/budget.md" || status=$?

{
  cat <<HEAD
# Storefront: Lighthouse scores and page weights

\`bench/storefront/run.sh\` (\`./store bench storefront\`) against the demo shop of \`./store up\`
(release build, the demo catalog), Lighthouse $(node -p "require('$ROOT/web/node_modules/lighthouse/package.json').version")
with its default mobile emulation (a mid-range phone on throttled 4G, simulated) in Debian's
$(chromium --version 2>/dev/null | head -1). Budgets (issue #15): performance ≥ 90,
accessibility ≥ 95, best practices ≥ 95, SEO ≥ 95 on every page; first-visit JavaScript ≤ 100 KB
gzipped. The same Lighthouse budgets are a test (\`storefront_e2e_test\`, against its own small
shop), as is the JavaScript budget (\`storefront_budget_test\`).

Run of $(date -u +%Y-%m-%d\ %H:%M) UTC, $(nproc) CPUs, the engines and services of \`./store up\` running.

## Lighthouse (mobile)

HEAD
  cat "$WORK/lighthouse.md"
  cat <<MID

"transferred": every byte the page loaded (HTML, CSS, JavaScript, images, API answers), as sent
(gzip); "of it JS": the JavaScript among them.

## First-visit JavaScript (gzipped, the build the gateway serves)

MID
  grep '^|' "$WORK/budget.md"
} >"$OUT"
log "wrote $OUT"
exit "$status"

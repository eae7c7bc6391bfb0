#!/usr/bin/env bash
# The layout every service follows (services/README.md): http -> app -> domain, adapters
# implement ports declared in app/. Fails naming each file that breaks a rule:
#   - nothing in src/domain, src/app or src/http includes an adapter;
#   - nothing in src/domain or src/app includes an http/ header;
#   - nothing in src/domain includes an app/ header or does I/O (files, sockets, engines' libs).
# Usage: check-layout.sh [services-dir]   (default: the checkout's services/)
set -uo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)/services}
bad=0
report() { echo "LAYOUT $1: $2"; bad=1; }

while IFS= read -r src; do
  service_src=${src%/src}
  for f in $(find "$src/domain" "$src/app" "$src/http" -type f \( -name '*.cpp' -o -name '*.hpp' \) 2>/dev/null | sort); do
    layer=$(basename "$(dirname "$f")")
    rel=${f#"$root"/}
    while IFS= read -r inc; do
      case "$inc" in
        adapters/*) report "$rel" "includes $inc (use a port of app/ports.hpp)" ;;
        http/*) [[ $layer != http ]] && report "$rel" "includes $inc (only http/ knows HTTP)" ;;
        app/*) [[ $layer == domain ]] && report "$rel" "includes $inc (domain depends on nothing)" ;;
      esac
    done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
    if [[ $layer == domain ]]; then
      io=$(grep -nE '#include <(fstream|filesystem|curl/|mysql|mariadb|librdkafka|hiredis|mongoc|boost/asio|boost/beast)' "$f" |
           grep -v '^\s*//' | head -1)
      if [[ -n $io ]]; then report "$rel" "does I/O in domain/ ($io)"; fi
      inc=$(grep -nE '#include "store/(db|cache|messaging|http|docstore|search)/' "$f" | head -1)
      if [[ -n $inc ]]; then report "$rel" "uses an engine library in domain/ ($inc)"; fi
    fi
  done
done < <(find "$root" -type d -name src -path '*/src' -not -path '*/node_modules/*' | sort)

if (( bad )); then echo "layout check FAILED"; exit 1; fi
echo "layout check passed ($(find "$root" -type d -name src | wc -l) service source trees)"

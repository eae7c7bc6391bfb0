#!/usr/bin/env bash
# check-deps.sh BUILD_DIR: every Debian package the build and the scripts use must be installed by
# the project's own install step (APT_PACKAGES in deploy/versions.env, or pulled in by one of
# those packages), or be part of every Debian system (Essential / Priority: required).
#
# What counts as "used":
#   - every system header any object of BUILD_DIR was compiled against (ninja's deps log),
#   - every library and program the CMake configure found (CMakeCache.txt file paths) and every
#     library the link lines name,
#   - every program the shell scripts call (scripts/, bench/*/run.sh, bench/lib/, deploy/, tests/scripts, .ci).
# Each file is mapped to its package with dpkg's file lists. Exits 1 naming each package that is
# used but not installed by the install step; lists APT_PACKAGES entries nothing was seen to use.
#
# STORE_DEPS_DROP="pkg ..." removes packages from APT_PACKAGES for this run only: the test suite
# uses it to prove the check fails when a package goes missing.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:?usage: check-deps.sh BUILD_DIR}
build=$(cd "$build" && pwd)
. "$root/deploy/versions.env"
declared=" $(echo $APT_PACKAGES) "
for p in ${STORE_DEPS_DROP:-}; do declared=${declared// $p / }; done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- 1. the files the build used -----------------------------------------------------------------
{
  # Headers: every dependency ninja recorded that lies outside the checkout and the build dir.
  ninja -C "$build" -t deps 2>/dev/null | awk '/^    \// { print $1 }'
  # Whatever the configure step found: compilers, tools, libraries, include dirs with files.
  sed -n 's/^[A-Za-z0-9_.+-]*:FILEPATH=\(\/.*\)$/\1/p' "$build/CMakeCache.txt"
  # Libraries on the link lines: absolute paths, and -lNAME resolved the way the linker does.
  ninja -C "$build" -t commands 2>/dev/null | tr ' ' '\n' | grep -E '^(/[^ ]+\.(so|a)(\.[0-9.]+)?|-l[A-Za-z0-9_+.-]+)$' \
    | sort -u | while read -r tok; do
        case $tok in
          -l*) f=$(g++ -print-file-name="lib${tok#-l}.so"); [ "$f" = "lib${tok#-l}.so" ] || echo "$f" ;;
          *) echo "$tok" ;;
        esac
      done
} | grep -v -e "^$root/" -e "^$build/" | sort -u > "$tmp/build-files"

# --- 2. the programs the scripts call --------------------------------------------------------------
# Every word of the scripts that names a program on PATH and is not a shell builtin, keyword or a
# function the scripts define, standing where a command can (not inside --pid-file= or file:).
# Comments and the messages of echo/printf/say/ok/warn/die/log are
# dropped first (prose such as "per route" is not a call to route(8)). This checker is not
# scanned: it uses dpkg and apt (every Debian system) and ninja and g++ (declared).
scripts=$(cd "$root" && ls store .ci/run scripts/*.sh scripts/lib/*.sh bench/*/run.sh bench/lib/*.sh deploy/*/*.sh \
  tests/scripts/*.sh 2>/dev/null | grep -v '^scripts/check-deps.sh$')
(cd "$root" && sed -E -e 's/(^|[[:space:]])#.*$//' -e 's/\b(echo|printf|say|ok|warn|die|log)\b.*$/\1/' $scripts) \
  | grep -oE '(^|[[:space:]();|&`"{])[A-Za-z][A-Za-z0-9_.+-]*($|[[:space:];|&)`"}])' \
  | sed -E 's/^[^A-Za-z]//; s/[^A-Za-z0-9_.+-]$//' | sort -u > "$tmp/words"
(cd "$root" && sed -n 's/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\)[[:space:]]*()[[:space:]]*{.*/\1/p' $scripts) | sort -u > "$tmp/functions"
while read -r w; do
  grep -qx "$w" "$tmp/functions" && continue
  [ "$(type -t "$w" 2>/dev/null)" = file ] || continue
  path=$(type -P "$w")
  echo "$w $path"
done < "$tmp/words" > "$tmp/programs"
# The install step itself: maven, go, node/npm, java are called through these names.
cut -d' ' -f2 "$tmp/programs" >> "$tmp/build-files"

# --- 3. files -> packages --------------------------------------------------------------------------
# dpkg's lists name a file by the path the package shipped; with merged /usr, /lib/x is /usr/lib/x,
# and alternatives (/usr/bin/c++ -> /etc/alternatives/c++ -> g++-12) resolve through realpath. One
# pass over every list file maps each spelling of each used file to its package.
sort -u "$tmp/build-files" | while read -r f; do if [ -e "$f" ]; then echo "$f"; fi; done > "$tmp/existing"
paste "$tmp/existing" <(xargs -r -d '\n' realpath -m < "$tmp/existing") | while IFS=$'\t' read -r f r; do
  printf '%s\t%s\n' "$f" "$f" "$r" "$f" "${f/#\/usr\//\/}" "$f" "${r/#\/usr\//\/}" "$f"
done | sort -u > "$tmp/spellings"
awk -F'\t' 'FNR == NR { want[$1] = want[$1] " " $2; next }
     FNR == 1 { pkg = FILENAME; sub(/.*\//, "", pkg); sub(/\.list$/, "", pkg); sub(/:[a-z0-9]+$/, "", pkg) }
     ($0 in want) { n = split(want[$0], fs, " "); for (i = 1; i <= n; i++) if (!(fs[i] in owner)) owner[fs[i]] = pkg }
     END { for (f in want) { n = split(want[f], fs, " "); for (i = 1; i <= n; i++) seen[fs[i]] = 1 }
           for (f in seen) print ((f in owner) ? owner[f] : "-"), f }' \
  "$tmp/spellings" /var/lib/dpkg/info/*.list | sort -u > "$tmp/used"

# --- 4. what the install step brings -----------------------------------------------------------------
# APT_PACKAGES and everything they depend on (installed packages only: they all are, since the
# build and the scripts just ran), plus the packages every Debian system has.
apt-cache depends --recurse --installed --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances $declared 2>/dev/null | grep -v '^ ' | tr -d '<>' | sed 's/:[a-z0-9]*$//' | sort -u > "$tmp/closure"
dpkg-query -W -f='${Package} ${Essential} ${Priority}\n' | awk '$2 == "yes" || $3 == "required" { print $1 }' >> "$tmp/closure"
sort -u -o "$tmp/closure" "$tmp/closure"

# Programs that the install step deliberately takes from the machine when they are on PATH
# (install.sh: golang-go, nodejs/npm, maven, openjdk-17-jre-headless) may come from no package.
from_machine="go gofmt node npm npx mvn java"

status=0
while read -r pkg file; do
  if [ "$pkg" = - ]; then
    name=$(basename "$file")
    if [[ " $from_machine " == *" $name "* ]] || [[ $file == /usr/local/go/* ]]; then continue; fi
    echo "check-deps: $file belongs to no Debian package: install it from a package the install step names" >&2
    status=1; continue
  fi
  grep -qx "$pkg" "$tmp/closure" && continue
  echo "check-deps: MISSING package $pkg (used for $file): add it to APT_PACKAGES in deploy/versions.env" >&2
  status=1
done < <(sort -u -k1,1 "$tmp/used")

# Declared packages nothing was seen to use: worth a look (a package may serve at run time only).
used_closure=$(cut -d' ' -f1 "$tmp/used" | sort -u)
for p in $declared; do
  grep -qx "$p" <<<"$used_closure" || echo "check-deps: note: nothing in the build or the scripts resolved to $p"
done

echo "check-deps: $(sort -u "$tmp/used" | wc -l) files from $(cut -d' ' -f1 "$tmp/used" | sort -u | wc -l) packages checked against APT_PACKAGES ($(wc -w <<<"$declared") declared, $(wc -l < "$tmp/closure") with their dependencies and the base system)"
[ $status -eq 0 ] && echo "check-deps: every package used is installed by ./store install"
exit $status

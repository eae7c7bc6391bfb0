# Shared by the benchmark scripts (bench/*/run.sh): the ports of deploy/ports.env, logging, the
# shop's MariaDB client, waiting for a server, a process's CPU time, a static nginx reference and
# the open-model steps and sweeps with store_loadgen.
# The sourcing script sets ROOT, WORK and, for run_step/sweep, LOADGEN, LOAD_CPU, STEP_SECONDS,
# WARMUP_SECONDS, CONNECTIONS and P99_LIMIT_MS; for static_nginx NGINX and SERVER_CPU.
# shellcheck shell=bash

# The environment wins over deploy/ports.env.
while IFS='=' read -r key value; do
  case $key in ''|\#*) continue ;; esac
  [ -n "${!key:-}" ] || export "$key=$value"
done < "$ROOT/deploy/ports.env"

log() { echo "[bench] $*" >&2; }
mysql_() { mariadb -h "$STORE_HOST" -P "$STORE_MARIADB_PORT" -u "$STORE_MARIADB_USER" -p"$STORE_MARIADB_PASSWORD" "$@"; }

wait_ready() {  # URL: up to 30 s for a 2xx
  for _ in $(seq 1 300); do curl -fsS -o /dev/null "$1" 2>/dev/null && return; sleep 0.1; done
  log "server at $1 did not come up"
  exit 1
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# static_nginx DIR PORT FILE: one nginx worker (pinned to SERVER_CPU) serving DIR/www/FILE as JSON
# on 127.0.0.1:PORT; sets NGINX_PID (the master) and NGINX_WORKER.
static_nginx() {
  local dir=$1 port=$2 file=$3
  mkdir -p "$dir/www" "$dir/logs"
  cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
daemon off;
user root;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log $dir/logs/access.log;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  server {
    listen 127.0.0.1:$port;
    root $dir/www;
    location = /$file { default_type application/json; }
  }
}
CONF
  taskset -c "$SERVER_CPU" "$NGINX" -p "$dir" -c "$dir/nginx.conf" &
  NGINX_PID=$!
  wait_ready "http://127.0.0.1:$port/$file"
  NGINX_WORKER=$(pgrep -P "$NGINX_PID" | head -1)
}

run_step() {  # NAME URL RATE PID [LOADGEN ARGS...] -> TSV row
  local name=$1 url=$2 rate=$3 pid=$4 out="$WORK/$1-$3.json" tb ta nb na
  shift 4
  tb=$(cpu_ticks "$pid"); nb=$(date +%s%N)
  taskset -c "$LOAD_CPU" "$LOADGEN" --url "$url" --rate "$rate" --duration "$STEP_SECONDS" --warmup "$WARMUP_SECONDS" \
    --connections "$CONNECTIONS" --json "$@" >"$out"
  na=$(date +%s%N); ta=$(cpu_ticks "$pid")
  local cpu=$(( (ta - tb) * 100 * 1000000000 / $(getconf CLK_TCK) / (na - nb) ))
  jq -r --argjson limit "$P99_LIMIT_MS" --argjson cpu "$cpu" '
    . as $r | .latency_ms as $l
    | [($r.offered_rps | floor), ($r.achieved_rps | floor), $r.errors, $r.unfinished,
       $l.p50, $l.p90, $l.p99, $l.max, $cpu,
       (if ($r.achieved_rps >= 0.99 * $r.offered_rps and $r.errors == 0 and $r.unfinished == 0)
        then (if $l.p99 < $limit then "pass" else "sustained" end) else "FAIL" end)]
    | map(if type == "number" and . != floor then (. * 1000 | round / 1000) else . end) | @tsv' "$out"
}

sweep() {  # NAME URL PID RATES [LOADGEN ARGS...] -> "saturation sustained"; rows in $WORK/NAME.rows
  # saturation: the highest rate that passed (p99 < P99_LIMIT_MS too); sustained: the highest rate
  # served in full (achieved >= 99%, no errors, nothing unanswered) whatever its p99. Stops after
  # two failing steps.
  local name=$1 url=$2 pid=$3 rates=$4 best=0 sustained=0 fails=0 row verdict
  shift 4
  for rate in $rates; do
    row=$(run_step "$name" "$url" "$rate" "$pid" "$@")
    echo "$row" >>"$WORK/$name.rows"
    log "$name $(echo "$row" | awk -F'\t' '{printf "offered=%s achieved=%s errors=%s p50=%sms p99=%sms cpu=%s%% %s", $1, $2, $3, $5, $7, $9, $10}')"
    verdict=$(echo "$row" | cut -f10)
    [[ $verdict == pass ]] && best=$rate
    if [[ $verdict != FAIL ]]; then sustained=$rate; fails=0; else fails=$((fails + 1)); ((fails >= 2)) && break; fi
    sleep 1
  done
  # A failed step leaves requests queued in the server and the store: let them drain.
  sleep "${DRAIN_SECONDS:-0}"
  echo "$best $sustained"
}

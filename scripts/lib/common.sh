# Shared by every script: paths, ports, output helpers, process bookkeeping.
# shellcheck shell=bash
STORE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Everything the shop writes at run time lives under STORE_STATE (engine data, logs, pids; inside
# the checkout, git-ignored). What the install step fetches (engine jars, the FerretDB binary)
# lives under STORE_OPT, a per-user cache shared by every checkout. Both are safe to delete.
: "${STORE_STATE:=$STORE_ROOT/.state}"
: "${STORE_OPT:=${XDG_CACHE_HOME:-$HOME/.cache}/storemicroservices}"
STORE_DATA=$STORE_STATE/data
STORE_LOGS=$STORE_STATE/log
STORE_RUN=$STORE_STATE/run

# Ports and endpoints: deploy/ports.env, unless the environment already says otherwise.
while IFS='=' read -r key value; do
  case $key in ''|\#*) continue ;; esac
  [ -n "${!key:-}" ] || export "$key=$value"
done < "$STORE_ROOT/deploy/ports.env"

if [ -t 1 ]; then B=$'\e[1m'; G=$'\e[32m'; R=$'\e[31m'; Y=$'\e[33m'; N=$'\e[0m'; else B= G= R= Y= N=; fi
say()  { printf '%s==>%s %s\n' "$B" "$N" "$*"; }
ok()   { printf '    %s✓%s %s\n' "$G" "$N" "$*"; }
warn() { printf '    %s!%s %s\n' "$Y" "$N" "$*"; }
die()  { printf '%sERROR:%s %s\n' "$R" "$N" "$*" >&2; exit 1; }

mkdir -p "$STORE_DATA" "$STORE_LOGS" "$STORE_RUN" "$STORE_OPT"

now_ms() { date +%s%3N; }

pid_of() { # name -> pid if its process is alive
  local f=$STORE_RUN/$1.pid
  [ -f "$f" ] || return 1
  local pid; pid=$(cat "$f")
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# start_process NAME LOGFILE CMD...: start CMD in its own session, in the background, pid recorded.
start_process() {
  local name=$1 logfile=$2; shift 2
  [ -f "$logfile" ] && mv -f "$logfile" "$logfile.1"   # readiness checks read this run's log only
  setsid "$@" >>"$logfile" 2>&1 < /dev/null &
  echo $! > "$STORE_RUN/$name.pid"
}

# stop_process NAME: SIGTERM its process group, wait up to 30 s, then SIGKILL.
stop_process() {
  local name=$1 pid
  pid=$(pid_of "$name") || { rm -f "$STORE_RUN/$name.pid"; return 0; }
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    warn "$name did not stop in 30 s; killing it"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$STORE_RUN/$name.pid"
}

port_open() { (exec 3<>"/dev/tcp/$STORE_HOST/$1") 2>/dev/null; }

# wait_until NAME TIMEOUT_S LOGFILE CHECK...: poll CHECK until it succeeds; show the wait and
# its duration; on timeout (or if the process died) stop with the engine, what was expected
# and the log path.
wait_until() {
  local name=$1 timeout=$2 logfile=$3 expect=$4; shift 4
  local t0; t0=$(now_ms)
  printf '    … waiting for %s (%s)' "$name" "$expect"
  while ! "$@" >/dev/null 2>&1; do
    if ! pid_of "$name" >/dev/null; then
      echo; die "$name exited while starting: expected $expect. Its log: $logfile"
    fi
    if (( $(now_ms) - t0 > timeout * 1000 )); then
      echo; die "$name did not become ready in ${timeout}s: expected $expect. Its log: $logfile"
    fi
    sleep 0.2; printf '.'
  done
  if [ -t 1 ]; then printf '\r'; else echo; fi; ok "$(printf '%-11s ready in %5.1fs  (%s)' "$name" "$(awk -v ms=$(( $(now_ms) - t0 )) 'BEGIN{printf "%.1f", ms/1000}')" "$expect")"
}

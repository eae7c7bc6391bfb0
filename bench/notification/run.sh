#!/usr/bin/env bash
# Notification benchmark: emails per second end to end (event published to Kafka -> message
# accepted by the SMTP server) and the consumer lag under a burst of BURST (10,000) events, with a
# direct libcurl SMTP send loop against the same server in the same run as the reference.
#
# Two SMTP servers, each run on its own: a PRIVATE MailDev (Node; the shared one is left alone so
# 10,000 messages do not slow everybody's MailDev queries) and store_smtp_sink (C++, accepts and
# discards), because MailDev itself is likely the bottleneck.
#
# For each server:
#   1. reference: store_smtp_send_loop, SENDERS threads (the service's sender.workers), BURST messages;
#   2. the service (release build) on a private topic + database, SENDERS workers, pinned to CPU 0;
#      BURST events published pipelined (store_notification_publish, CPU 1); every 100 ms the
#      sent count (delivery log) and kafka_consumer_lag (/metrics) are sampled until all are sent;
#   3. per-message latency = sent_at - the event's occurred_at (delivery log), p50/p99/max.
# Engines: MariaDB and Kafka from `./store up`/`./store engines` (ports from deploy/ports.env).
#
#   bench/notification/run.sh                 # BURST=10000 SENDERS=4
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck disable=SC1091
set -a; . "$ROOT/deploy/ports.env"; set +a
BUILD_DIR=${BUILD_DIR:-$ROOT/build/release}
BIN=$BUILD_DIR/services/notification
BURST=${BURST:-10000}
WARMUP=${WARMUP:-300}  # events sent before the measured burst (see run_case)
SENDERS=${SENDERS:-4}
REPEAT=${REPEAT:-3}    # rounds per SMTP server (reference + burst each); medians are reported
BATCH_MAX=${BATCH_MAX:-200}
SERVICE_CPU=${SERVICE_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
OUT=${OUT:-$ROOT/docs/benchmarks/notification.md}
KAFKA=127.0.0.1:$STORE_KAFKA_PORT
MYSQL=(mariadb -h127.0.0.1 -P"$STORE_MARIADB_PORT" -u"$STORE_MARIADB_USER" -p"$STORE_MARIADB_PASSWORD" -N -B)
MAILDEV=${MAILDEV_BIN:-$ROOT/deploy/node/node_modules/maildev/bin/maildev}

log() { echo "[bench] $*" >&2; }
# A port nothing listens on, from a range the shop does not use.
free_port() {
  local p
  while :; do
    p=$((30000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
calc() { awk "BEGIN { printf \"%.${2:-1}f\", $1 }"; }
# read_counters PORT: one GET /metrics with bash builtins alone (no process started: the samples
# are taken while the service runs, and a curl, an awk and a date per sample took ~6 % of the two
# cores, unpinned, from the service under test); sets m_lag m_sent m_recorded.
read_counters() {
  local fd line
  exec {fd}<>"/dev/tcp/127.0.0.1/$1"
  printf 'GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&"$fd"
  m_lag=0 m_sent=0 m_recorded=0
  while IFS= read -r line <&"$fd"; do
    case $line in
      kafka_consumer_lag*) m_lag=${line##* } ;;
      notification_sent_total*) m_sent=${line##* } ;;
      notification_recorded_total*) m_recorded=${line##* } ;;
    esac
  done
  exec {fd}<&-
}
wait_port() { for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

build() {
  if [[ ! -x $BIN/store_notification || ! -x $BIN/store_smtp_sink || ! -x $BIN/store_smtp_send_loop || ! -x $BIN/store_notification_publish ]]; then
    log "building (release) in $BUILD_DIR"
    [[ -d $BUILD_DIR ]] || (cd "$ROOT" && cmake --preset release >/dev/null)
    cmake --build "$BUILD_DIR" -j2 --target store_notification store_smtp_sink store_smtp_send_loop store_notification_publish
  fi
}

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# median of the numbers given as arguments
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
span() { printf '%s\n' "$@" | sort -g | awk 'NR==1 {lo=$1} {hi=$1} END {printf "%s–%s", lo, hi}'; }

# burst NAME: one measured burst of BURST events through the running service (globals: topic, db,
# port); sets b_rate b_total b_consume b_sent b_failed b_lag b_lat b_samples b_pub.
burst() {
  local base sent0 rec0
  base=$("${MYSQL[@]}" "$db" -e "SELECT COALESCE(MAX(id), 0) FROM deliveries")
  read_counters "$port"
  local sent0=$m_sent rec0=$m_recorded

  # Times are exact, not sampled: "end to end" runs from the publisher's first produce call (its
  # "first_at") to the sent_at of the last message (the commit that recorded it, after the SMTP
  # server accepted it); "all consumed" to the created_at of the last row. Meanwhile one /metrics
  # read every 200 ms (no database query, no process started: read_counters, bash's clock and a
  # read timeout as the pause) gives the samples, so the measurement takes next to nothing from
  # the two cores the run shares.
  local pub_out=/tmp/$tag.publish sent=0 recorded lag max_lag=0 now samples="" t_start pause
  exec {pause}<> <(:)  # never readable: `read -t` on it is a sleep without a process
  t_start=${EPOCHREALTIME/./}
  taskset -c "$LOAD_CPU" "$BIN/store_notification_publish" "$KAFKA" publish "$topic" "$BURST" >"$pub_out" &
  local pub_pid=$!
  local deadline=$((EPOCHSECONDS + 600))
  while :; do
    now=$(( ${EPOCHREALTIME/./} - t_start ))
    read_counters "$port"
    lag=$m_lag sent=$((m_sent - sent0)) recorded=$((m_recorded - rec0))
    (( lag > max_lag )) && max_lag=$lag
    printf -v now '%d.%d' $((now / 1000000)) $((now % 1000000 / 100000))
    samples+="$now $lag $recorded $sent"$'\n'
    (( sent >= BURST )) && break
    (( EPOCHSECONDS > deadline )) && { log "timeout: $sent of $BURST sent"; break; }
    read -rt 0.2 -u "$pause" || true
  done
  exec {pause}<&-
  wait "$pub_pid" || log "the publisher failed"
  local first_at t_done t_consumed
  b_pub=$(cat "$pub_out")
  rm -f "$pub_out"
  first_at=$(echo "$b_pub" | sed -E 's/.*"first_at": ([0-9.]+).*/\1/')
  read -r t_done t_consumed < <("${MYSQL[@]}" "$db" -e "SET time_zone = '+00:00'; SELECT UNIX_TIMESTAMP(MAX(sent_at)), UNIX_TIMESTAMP(MAX(created_at)) FROM deliveries WHERE id > $base")
  b_sent=$("${MYSQL[@]}" "$db" -e "SELECT COUNT(*) FROM deliveries WHERE status = 'sent' AND id > $base")
  b_failed=$("${MYSQL[@]}" "$db" -e "SELECT COUNT(*) FROM deliveries WHERE status <> 'sent' AND id > $base")
  b_lat=$("${MYSQL[@]}" "$db" -e "SELECT TIMESTAMPDIFF(MICROSECOND, STR_TO_DATE(JSON_VALUE(source_value, '$.occurred_at'), '%Y-%m-%dT%H:%i:%s.%fZ'), sent_at) / 1000 FROM deliveries WHERE status = 'sent' AND id > $base" | sort -n |
          awk '{a[NR]=$1} END {printf "%.0f / %.0f / %.0f", a[int(NR*0.5)], a[int(NR*0.99)], a[NR]}')
  b_total=$(calc "$t_done - $first_at" 3)
  b_consume=$(calc "$t_consumed - $first_at" 3)
  b_rate=$(calc "$b_sent / $b_total")
  b_lag=$max_lag
  b_samples=$samples
}

# run_case NAME SMTP_PORT -> appends a result row to $RESULTS. The SMTP server is warmed up first
# (BURST messages from the reference loop, not measured: MailDev's first 10,000 messages go at
# ~1,700/s, the next at ~2,200/s, its JIT at work), then REPEAT rounds, each: the reference loop
# (SENDERS threads, then 1), then one burst through the service (started and warmed up once).
# (Emptying MailDev between runs is no option: after DELETE /email/all it takes mail at half speed.)
run_case() {
  local name=$1 smtp=$2
  taskset -c "$LOAD_CPU" "$BIN/store_smtp_send_loop" "smtp://127.0.0.1:$smtp" "$BURST" "$SENDERS" >/dev/null
  tag=nbench_$(date +%s)_$RANDOM
  topic=$tag db=$tag port=$(free_port)
  "$BIN/store_notification_publish" "$KAFKA" create "$topic"
  "${MYSQL[@]}" -e "CREATE DATABASE $db"
  setsid env NOTIFICATION_HTTP_PORT="$port" NOTIFICATION_DB_DATABASE="$db" NOTIFICATION_DB_PORT="$STORE_MARIADB_PORT" \
    NOTIFICATION_KAFKA_BOOTSTRAP="$KAFKA" NOTIFICATION_CONSUMER_TOPICS="$topic" NOTIFICATION_CONSUMER_GROUP="$tag" \
    NOTIFICATION_SMTP_URL="smtp://127.0.0.1:$smtp" NOTIFICATION_SMTP_TLS=none NOTIFICATION_SENDER_WORKERS="$SENDERS" \
    NOTIFICATION_DB_POOL_SIZE=$((SENDERS + 4)) NOTIFICATION_CONSUMER_BATCH_MAX="$BATCH_MAX" NOTIFICATION_LOG_LEVEL=warn \
    taskset -c "$SERVICE_CPU" "$BIN/store_notification" >"/tmp/$tag.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  sleep 2  # group join and partition assignment
  # Warm-up, not measured: a running shop's service is warm before a burst comes (group joined,
  # partitions assigned and fetched, every sender's SMTP connection open).
  "$BIN/store_notification_publish" "$KAFKA" publish "$topic" "$WARMUP" >/dev/null
  for _ in $(seq 1 300); do
    read_counters "$port"
    (( m_sent >= WARMUP )) && break
    sleep 0.1
  done

  # Per round: reference rates, the service's rate, its table row and samples (index r - 1).
  local refs=() refs1=() rates=() rows=() samples_of=() runs="" r
  for r in $(seq 1 "$REPEAT"); do
    local ref ref1
    ref=$(taskset -c "$LOAD_CPU" "$BIN/store_smtp_send_loop" "smtp://127.0.0.1:$smtp" "$BURST" "$SENDERS")
    ref1=$(taskset -c "$LOAD_CPU" "$BIN/store_smtp_send_loop" "smtp://127.0.0.1:$smtp" "$((BURST / 4))" 1)
    refs+=("$(echo "$ref" | sed -E 's/.*"per_second": ([0-9.]+).*/\1/')")
    refs1+=("$(echo "$ref1" | sed -E 's/.*"per_second": ([0-9.]+).*/\1/')")
    log "$name, round $r: reference ${refs[-1]}/s ($SENDERS threads), ${refs1[-1]}/s (1 thread); publishing $BURST events"
    burst
    rates+=("$b_rate")
    log "$name, round $r: $b_rate emails/s end to end, ratio $(calc "$b_rate / ${refs[-1]}" 2), max lag $b_lag, publish $b_pub"
    runs+="$(calc "$b_rate / ${refs[-1]}" 2) "
    rows+=("| $name | $b_sent / $BURST (not sent: $b_failed) | $(printf '%.1f' "$b_total") | RATE | REF | RATIO | $b_lag | $(printf '%.1f' "$b_consume") ($(calc "$BURST / $b_consume")/s) | $b_lat |")
    samples_of+=("$b_samples")
  done
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  "$BIN/store_notification_publish" "$KAFKA" delete "$topic" || true
  "${MYSQL[@]}" -e "DROP DATABASE $db"

  # The round whose rate is the median is the one shown in full.
  local mid_rate mid_ref mid_ref1 pick=0 best_row
  mid_rate=$(median "${rates[@]}") mid_ref=$(median "${refs[@]}") mid_ref1=$(median "${refs1[@]}")
  for r in "${!rates[@]}"; do [[ ${rates[r]} == "$mid_rate" ]] && pick=$r; done
  best_row=${rows[pick]}
  best_row=${best_row/RATE/**$mid_rate** ($(span "${rates[@]}"))}
  best_row=${best_row/REF/$mid_ref ($(span "${refs[@]}"); $mid_ref1 with 1 thread)}
  best_row=${best_row/RATIO/**$(calc "$mid_rate / $mid_ref" 2)** (rounds: ${runs% })}
  RESULTS+="$best_row"$'\n'
  SAMPLES+="### $name (round $((pick + 1)), the median one)"$'\n\n'"time_s consumer_lag recorded sent (every ${SAMPLE_EVERY:-5}th sample)"$'\n\n```\n'"$(echo -n "${samples_of[pick]}" | awk -v e="${SAMPLE_EVERY:-5}" 'NR % e == 1 || e == 1')"$'\n```\n\n'
  log "$name: median $mid_rate emails/s end to end, reference median $mid_ref/s, ratio $(calc "$mid_rate / $mid_ref" 2)"
}

build
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
RESULTS=""
SAMPLES=""

# 1. A private MailDev.
MD_SMTP=$(free_port) MD_WEB=$(free_port)
setsid node "$MAILDEV" --smtp "$MD_SMTP" --web "$MD_WEB" --ip 127.0.0.1 --silent >/dev/null 2>&1 &
MD_PID=$!
PIDS+=("$MD_PID")
wait_port "$MD_SMTP"
sleep 1
run_case "MailDev (Node)" "$MD_SMTP"
kill -TERM -- "-$MD_PID" 2>/dev/null || kill "$MD_PID" 2>/dev/null || true

# 2. The C++ sink.
SINK_PORT=$(free_port)
setsid "$BIN/store_smtp_sink" "$SINK_PORT" >/dev/null 2>&1 &
SINK_PID=$!
PIDS+=("$SINK_PID")
wait_port "$SINK_PORT"
run_case "store_smtp_sink (C++)" "$SINK_PORT"

cat >"$OUT" <<MD
# Notification benchmark

\`bench/notification/run.sh\` ($(date -u +%Y-%m-%d), $(nproc) cores, release build; the service
pinned to CPU $SERVICE_CPU, the load tools to CPU $LOAD_CPU; MariaDB, Kafka and the SMTP servers
unpinned on the same machine; load average before the run: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)). After a warm-up of $WARMUP events (sent, not
measured: the consumer group joined, every sender's SMTP connection open, as in a running shop), a
burst of $BURST \`user.registered.v1\` events is published at once (pipelined, acknowledged) on a
3-partition topic; the service (3 batching consumers,
consumer.batch_max ${BATCH_MAX}, $SENDERS sender workers, each with one SMTP connection) consumes them, records
a batch of events in the delivery log with ONE MariaDB transaction (committed before any of its
messages is sent), renders the welcome email (text + HTML) and sends it; right after the SMTP
server accepted a message the worker hands the attempt's hand-over point to the delivery log's one
writer (autocommit INSERTs into a MEMORY table, the marks queued meanwhile by the other workers in
the same statement); a worker takes up to sender.group (default 64) queued messages at once
and records their outcomes (attempt rows, statuses, \`notification.sent.v1\` in the outbox: one
statement each) in one transaction. "End to end" = the publisher's first produce call to the
recording of the last message accepted by the SMTP server (its \`sent_at\`), both exact. The reference is a direct libcurl SMTP send loop
(\`store_smtp_send_loop\`, the service's own \`SmtpSender\`, same thread count, same server, same
round) sending the same welcome emails, rendered from the service's templates before its clock
starts: no Kafka, no database. Each SMTP server gets $REPEAT rounds of reference
loop then burst (the SMTP server warmed up first with $BURST messages, the service started and
warmed up once); the table gives medians, their range, and each round's own ratio; the other
columns and the samples are the median round's.

| SMTP server | sent (median round) | end to end (s) | emails/s end to end: median (range) | reference loop emails/s: median (range) | ratio of the medians (each round's) | max consumer lag | all consumed after s (rate) | latency p50 / p99 / max (ms) |
|---|---|---|---|---|---|---|---|---|
$RESULTS
Consumer lag = \`kafka_consumer_lag\` (records behind the one in hand) from \`/metrics\`, sampled
every 200 ms with the \`notification_recorded_total\` and \`notification_sent_total\` counters (the
samples' clock starts when the publisher process is started; "end to end" at its first produce call). Latency = \`sent_at\` − the event's \`occurred_at\`, so it includes the time an event
waited in Kafka behind the burst.

## Reading the numbers

- The reference loop shows what the SMTP server alone can take; the service's rate shows what
  durability costs on top: per batch of events one MariaDB commit (the delivery rows, before
  any send) and one asynchronous offset commit; per message its hand-over point (so an accepted
  email is not sent again after a crash), an autocommit INSERT into a MEMORY table (no log flush)
  shared with the marks other workers queued meanwhile; per
  group of up to sender.group messages of a worker one commit (outcomes +
  \`notification.sent.v1\`).
- If "recorded" runs ahead of "sent" by about \`sender.queue_limit\`, the senders are the limit
  and the consumers wait on the bounded queue; if the two run together, the consumers are.
- The machine is shared with other builds; the load average above says how busy it was. The
  numbers are for comparing the two columns of one run, not absolute capacity. (Analysis of a
  given run: add it by hand below this line.)

## Samples

$SAMPLES
MD
log "written $OUT"

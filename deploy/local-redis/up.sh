#!/usr/bin/env bash
# Start a real local redis-server (Debian's package; loopback only, no Docker) for the feature state; prints REDIS_URL.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
RHOME="${FRAUDFLOW_REDIS_HOME:-$REPO/.local/redis}"
mkdir -p "$RHOME" && RHOME="$(cd "$RHOME" && pwd)"
PORT="${REDIS_PORT:-16379}"
PIDFILE="$RHOME/redis.pid" LOG="$RHOME/redis.log" DATA="$RHOME/data" CONF="$RHOME/redis.conf"

die() { echo "local-redis: $1" >&2; exit "${2:-1}"; }
command -v redis-server >/dev/null || die "redis-server not found on PATH (e.g. apt-get install -y redis-server)" 2
command -v redis-cli >/dev/null || die "redis-cli not found on PATH (it comes with Debian's redis-tools)" 2

# Ours: the pidfile names a live redis-server started with our config file.
running_pid() {
  local pid; pid="$(cat "$PIDFILE" 2>/dev/null)" || return 1
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "^redis-server 127.0.0.1:$PORT" || return 1
  echo "$pid"
}
pong() { [[ "$(redis-cli -h 127.0.0.1 -p "$1" PING 2>/dev/null)" == PONG ]]; }
# Poll (<= REDIS_START_TIMEOUT s, default 20) until PING answers.
wait_ready() {
  local deadline=$((SECONDS + ${REDIS_START_TIMEOUT:-20}))
  until pong "$PORT"; do
    kill -0 "$1" 2>/dev/null || { rm -f "$PIDFILE"; tail -n 20 "$LOG" >&2; die "redis-server exited during startup (log: $LOG)"; }
    (( SECONDS < deadline )) || die "redis-server not answering PING after ${REDIS_START_TIMEOUT:-20}s (pid $1; log: $LOG; stop with down.sh)"
    sleep 0.1
  done
}

exec 9>"$RHOME/.up.lock"
flock -w 60 9 || die "another up.sh holds $RHOME/.up.lock"

if [[ "${REDIS_RESET:-0}" == 1 ]]; then
  bash "$HERE/down.sh"
  rm -rf "$DATA"
  echo "local-redis: REDIS_RESET=1, wiped $DATA"
fi

if pid="$(running_pid)"; then
  echo "local-redis: already running (pid $pid, log $LOG)"
  wait_ready "$pid"
  echo "REDIS_URL=redis://127.0.0.1:$PORT"
  exit 0
fi
rm -f "$PIDFILE"
pong "$PORT" && die "port $PORT already answers PING from another process (set REDIS_PORT)"

mkdir -p "$DATA"
# Rewritten every start so env knobs apply. Append-only file: the state survives a restart like Memorystore's.
cat >"$CONF" <<CONFEOF
bind 127.0.0.1
protected-mode yes
port $PORT
dir $DATA
appendonly yes
appendfsync everysec
save ""
logfile $LOG
pidfile $RHOME/redis-server.pid
maxmemory ${REDIS_MAXMEMORY:-1gb}
maxmemory-policy noeviction
CONFEOF

START=$SECONDS
nohup redis-server "$CONF" --daemonize no >/dev/null 2>&1 </dev/null 9>&- &
echo $! >"$PIDFILE"
PID=$!
wait_ready "$PID"
echo "local-redis: started pid $PID in $((SECONDS - START))s (log $LOG)"
echo "REDIS_URL=redis://127.0.0.1:$PORT"

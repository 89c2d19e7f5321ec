#!/usr/bin/env bash
# Stop the local redis-server started by up.sh (only the pid in its pidfile): SIGTERM, then SIGKILL after a deadline.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RHOME="${FRAUDFLOW_REDIS_HOME:-$(cd "$HERE/../.." && pwd)/.local/redis}"
[[ "$RHOME" == /* ]] || RHOME="$PWD/$RHOME"
PIDFILE="$RHOME/redis.pid"
TIMEOUT="${REDIS_STOP_TIMEOUT:-20}"
alive() { kill -0 "$1" 2>/dev/null && [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]]; }

PID="$(cat "$PIDFILE" 2>/dev/null || true)"
if [[ -z "$PID" ]] || ! alive "$PID"; then
  rm -f "$PIDFILE"
  echo "local-redis: not running"
  exit 0
fi
# Guard against a recycled pid: only signal a redis-server process.
if ! tr '\0' ' ' <"/proc/$PID/cmdline" 2>/dev/null | grep -q "^redis-server "; then
  rm -f "$PIDFILE"
  echo "local-redis: pid $PID is not our redis-server (stale pidfile removed)"
  exit 0
fi

kill -TERM "$PID"
DEADLINE=$((SECONDS + TIMEOUT))
while alive "$PID" && (( SECONDS < DEADLINE )); do sleep 0.1; done
if alive "$PID"; then
  echo "local-redis: pid $PID still alive after ${TIMEOUT}s, sending SIGKILL" >&2
  kill -KILL "$PID" 2>/dev/null || true
  while alive "$PID"; do sleep 0.1; done
fi
rm -f "$PIDFILE"
echo "local-redis: stopped pid $PID"

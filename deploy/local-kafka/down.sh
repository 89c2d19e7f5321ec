#!/usr/bin/env bash
# Stop the local Kafka broker started by up.sh (only the pid in its pidfile): SIGTERM, then SIGKILL after a deadline.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KHOME="${FRAUDFLOW_KAFKA_HOME:-$(cd "$HERE/../.." && pwd)/.local/kafka}"
[[ "$KHOME" == /* ]] || KHOME="$PWD/$KHOME"
PIDFILE="$KHOME/kafka.pid"
TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
# Alive = exists and is not a zombie (an unreaped zombie must not make us wait forever).
alive() { kill -0 "$1" 2>/dev/null && [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]]; }

PID="$(cat "$PIDFILE" 2>/dev/null || true)"
if [[ -z "$PID" ]] || ! alive "$PID"; then
  rm -f "$PIDFILE"
  echo "local-kafka: not running"
  exit 0
fi
# Guard against a recycled pid: only signal a kafka.Kafka process.
if ! tr '\0' ' ' <"/proc/$PID/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $KHOME/server.properties"; then
  rm -f "$PIDFILE"
  echo "local-kafka: pid $PID is not our broker (stale pidfile removed)"
  exit 0
fi

kill -TERM "$PID"
DEADLINE=$((SECONDS + TIMEOUT))
while alive "$PID" && (( SECONDS < DEADLINE )); do sleep 0.25; done
if alive "$PID"; then
  echo "local-kafka: pid $PID still alive after ${TIMEOUT}s, sending SIGKILL" >&2
  kill -KILL "$PID" 2>/dev/null || true
  while alive "$PID"; do sleep 0.1; done
fi
rm -f "$PIDFILE"
echo "local-kafka: stopped pid $PID"

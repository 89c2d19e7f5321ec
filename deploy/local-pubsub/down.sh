#!/usr/bin/env bash
# Stop the Pub/Sub emulator started by up.sh (only the pid in its pidfile): SIGTERM, then SIGKILL after a deadline.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PHOME="${FRAUDFLOW_PUBSUB_HOME:-$(cd "$HERE/../.." && pwd)/.local/pubsub}"
[[ "$PHOME" == /* ]] || PHOME="$PWD/$PHOME"
PIDFILE="$PHOME/pubsub.pid"
TIMEOUT="${PUBSUB_STOP_TIMEOUT:-20}"
alive() { kill -0 "$1" 2>/dev/null && [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]]; }

PID="$(cat "$PIDFILE" 2>/dev/null || true)"
if [[ -z "$PID" ]] || ! alive "$PID"; then
  rm -f "$PIDFILE"
  echo "local-pubsub: not running"
  exit 0
fi
# Guard against a recycled pid: only signal the emulator's java process.
if ! tr '\0' ' ' <"/proc/$PID/cmdline" 2>/dev/null | grep -q "cloud-pubsub-emulator-"; then
  rm -f "$PIDFILE"
  echo "local-pubsub: pid $PID is not our emulator (stale pidfile removed)"
  exit 0
fi

kill -TERM "$PID"
DEADLINE=$((SECONDS + TIMEOUT))
while alive "$PID" && (( SECONDS < DEADLINE )); do sleep 0.1; done
if alive "$PID"; then
  echo "local-pubsub: pid $PID still alive after ${TIMEOUT}s, sending SIGKILL" >&2
  kill -KILL "$PID" 2>/dev/null || true
  while alive "$PID"; do sleep 0.1; done
fi
rm -f "$PIDFILE"
echo "local-pubsub: stopped pid $PID"

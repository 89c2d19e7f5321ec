#!/usr/bin/env bash
# Start the Pub/Sub emulator that ships with the gcloud CLI (its Java jar, run directly: no network, no gcloud auth); prints PUBSUB_EMULATOR_HOST.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PHOME="${FRAUDFLOW_PUBSUB_HOME:-$REPO/.local/pubsub}"
mkdir -p "$PHOME" && PHOME="$(cd "$PHOME" && pwd)"
PORT="${PUBSUB_PORT:-18085}"
PIDFILE="$PHOME/pubsub.pid" LOG="$PHOME/pubsub.log" DATA="$PHOME/data"

die() { echo "local-pubsub: $1" >&2; exit "${2:-1}"; }
command -v java >/dev/null || die "java not found on PATH (the emulator needs Java 8+)" 2
# The SDK's own folder: gcloud may be a symlink into it.
SDK="${CLOUDSDK_ROOT_DIR:-}"
if [[ -z "$SDK" ]]; then
  command -v gcloud >/dev/null || die "gcloud not found on PATH (install the Google Cloud CLI and its pubsub-emulator component)" 2
  SDK="$(cd "$(dirname "$(readlink -f "$(command -v gcloud)")")/.." && pwd)"
fi
JAR="$(ls "$SDK"/platform/pubsub-emulator/lib/cloud-pubsub-emulator-*-all.jar 2>/dev/null | tail -n 1 || true)"
[[ -n "$JAR" ]] || die "no emulator jar under $SDK/platform/pubsub-emulator (gcloud components install pubsub-emulator, or apt-get install google-cloud-cli-pubsub-emulator)" 2

# Ours: the pidfile names a live java running the emulator jar on our port.
running_pid() {
  local pid; pid="$(cat "$PIDFILE" 2>/dev/null)" || return 1
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "cloud-pubsub-emulator-.*--port=$PORT" || return 1
  echo "$pid"
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Poll (<= PUBSUB_START_TIMEOUT s, default 60) until the port answers and the log says started.
wait_ready() {
  local deadline=$((SECONDS + ${PUBSUB_START_TIMEOUT:-60}))
  until port_open "$PORT" && grep -q "Server started" "$LOG"; do
    kill -0 "$1" 2>/dev/null || { rm -f "$PIDFILE"; tail -n 20 "$LOG" >&2; die "emulator exited during startup (log: $LOG)"; }
    (( SECONDS < deadline )) || die "emulator not ready after ${PUBSUB_START_TIMEOUT:-60}s (pid $1; log: $LOG; stop with down.sh)"
    sleep 0.1
  done
}

exec 9>"$PHOME/.up.lock"
flock -w 60 9 || die "another up.sh holds $PHOME/.up.lock"

if [[ "${PUBSUB_RESET:-0}" == 1 ]]; then
  bash "$HERE/down.sh"
  rm -rf "$DATA"
  echo "local-pubsub: PUBSUB_RESET=1, wiped $DATA"
fi

if pid="$(running_pid)"; then
  echo "local-pubsub: already running (pid $pid, log $LOG)"
  wait_ready "$pid"
  echo "PUBSUB_EMULATOR_HOST=127.0.0.1:$PORT"
  exit 0
fi
rm -f "$PIDFILE"
port_open "$PORT" && die "port $PORT is already in use by another process (set PUBSUB_PORT)"

mkdir -p "$DATA"
read -ra HEAP <<<"${PUBSUB_HEAP_OPTS:--Xms64m -Xmx256m}"
START=$SECONDS
: >"$LOG"
nohup java "${HEAP[@]}" -jar "$JAR" --host=127.0.0.1 --port="$PORT" --dir="$DATA" >>"$LOG" 2>&1 </dev/null 9>&- &
PID=$!
echo "$PID" >"$PIDFILE"
wait_ready "$PID"
echo "local-pubsub: started pid $PID in $((SECONDS - START))s (log $LOG)"
echo "PUBSUB_EMULATOR_HOST=127.0.0.1:$PORT"

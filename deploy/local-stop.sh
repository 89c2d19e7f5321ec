#!/usr/bin/env bash
# Sourced by deploy/local-*/down.sh: stop the one process a pidfile names (SIGTERM, then SIGKILL after a deadline),
# and only if its command line is still ours (a recycled pid is left alone).
# stop_pidfile <label> <pidfile> <timeout-s> <grep-flag: -F or -E> <command-line pattern> <what it is>
alive() { kill -0 "$1" 2>/dev/null && [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]]; }

stop_pidfile() {
  local label="$1" pidfile="$2" timeout="$3" flag="$4" pattern="$5" what="$6" pid deadline
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  # Alive = exists and is not a zombie (an unreaped zombie must not make us wait forever).
  if [[ -z "$pid" ]] || ! alive "$pid"; then
    rm -f "$pidfile"
    echo "$label: not running"
    return 0
  fi
  if ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$flag" -- "$pattern"; then
    rm -f "$pidfile"
    echo "$label: pid $pid is not our $what (stale pidfile removed)"
    return 0
  fi
  kill -TERM "$pid"
  deadline=$((SECONDS + timeout))
  while alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
  if alive "$pid"; then
    echo "$label: pid $pid still alive after ${timeout}s, sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    while alive "$pid"; do sleep 0.1; done
  fi
  rm -f "$pidfile"
  echo "$label: stopped pid $pid"
}

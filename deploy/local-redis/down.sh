#!/usr/bin/env bash
# Stop the local redis-server started by up.sh (only the pid in its pidfile): SIGTERM, then SIGKILL after a deadline.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RHOME="${FRAUDFLOW_REDIS_HOME:-$(cd "$HERE/../.." && pwd)/.local/redis}"
[[ "$RHOME" == /* ]] || RHOME="$PWD/$RHOME"
# shellcheck source=../local-stop.sh
source "$HERE/../local-stop.sh"
stop_pidfile local-redis "$RHOME/redis.pid" "${REDIS_STOP_TIMEOUT:-20}" -E "^redis-server " redis-server

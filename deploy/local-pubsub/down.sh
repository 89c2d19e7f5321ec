#!/usr/bin/env bash
# Stop the Pub/Sub emulator started by up.sh (only the pid in its pidfile): SIGTERM, then SIGKILL after a deadline.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PHOME="${FRAUDFLOW_PUBSUB_HOME:-$(cd "$HERE/../.." && pwd)/.local/pubsub}"
[[ "$PHOME" == /* ]] || PHOME="$PWD/$PHOME"
# shellcheck source=../local-stop.sh
source "$HERE/../local-stop.sh"
stop_pidfile local-pubsub "$PHOME/pubsub.pid" "${PUBSUB_STOP_TIMEOUT:-20}" -F "cloud-pubsub-emulator-" emulator

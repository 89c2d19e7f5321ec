#!/usr/bin/env bash
# Stop the local Kafka broker started by up.sh (only the pid in its pidfile): SIGTERM, then SIGKILL after a deadline.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KHOME="${FRAUDFLOW_KAFKA_HOME:-$(cd "$HERE/../.." && pwd)/.local/kafka}"
[[ "$KHOME" == /* ]] || KHOME="$PWD/$KHOME"
# shellcheck source=../local-stop.sh
source "$HERE/../local-stop.sh"
stop_pidfile local-kafka "$KHOME/kafka.pid" "${KAFKA_STOP_TIMEOUT:-30}" -F "kafka.Kafka $KHOME/server.properties" broker

#!/usr/bin/env bash
# Run a Kafka CLI class from the cached jars, e.g. `cli.sh TopicCommand --bootstrap-server 127.0.0.1:19092 --list`.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KHOME="${FRAUDFLOW_KAFKA_HOME:-$(cd "$HERE/../.." && pwd)/.local/kafka}"
[[ "$KHOME" == /* ]] || KHOME="$PWD/$KHOME"
[[ -d "$KHOME/lib" ]] || { echo "local-kafka: no jars in $KHOME/lib (run up.sh once)" >&2; exit 2; }
[[ $# -ge 1 ]] || { echo "usage: $0 <Class> [args...]  (short names resolve to org.apache.kafka.tools.<Class>)" >&2; exit 2; }
CLASS="$1"; shift
[[ "$CLASS" == *.* ]] || CLASS="org.apache.kafka.tools.$CLASS"
exec java -cp "$KHOME/lib/*" -Dlog4j2.configurationFile="$HERE/log4j2.properties" -Dlocal.kafka.loglevel=WARN "$CLASS" "$@"

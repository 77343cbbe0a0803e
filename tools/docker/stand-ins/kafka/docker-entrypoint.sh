#!/bin/bash
# The stand-in's entrypoint, doing what the official apache/kafka image's does for the variables
# compose uses: with no KAFKA_* variable, a default single-node KRaft configuration; otherwise
# every KAFKA_* variable (but the JVM/log ones) becomes one server.properties line, the name
# lowercased with `___` → `-`, `__` → `_`, `_` → `.` (KAFKA_MESSAGE_MAX_BYTES → message.max.bytes).
# The storage is formatted with CLUSTER_ID (the official default id) unless already formatted,
# so a volume on /var/lib/kafka/data keeps its topics across restarts.
set -euo pipefail
PROPS=/opt/kafka/config/server.properties
CLUSTER_ID="${CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}"
EXCLUDED=" KAFKA_VERSION KAFKA_HEAP_OPTS KAFKA_LOG4J_OPTS KAFKA_OPTS KAFKA_JMX_OPTS KAFKA_JVM_PERFORMANCE_OPTS KAFKA_GC_LOG_OPTS KAFKA_LOG4J_ROOT_LOGLEVEL KAFKA_LOG4J_LOGGERS KAFKA_TOOLS_LOG4J_LOGLEVEL KAFKA_JMX_HOSTNAME KAFKA_JMX_PORT "

lines=()
while IFS='=' read -r name _; do
  [[ "$name" == KAFKA_* && "$EXCLUDED" != *" $name "* ]] || continue
  key="$(echo "${name#KAFKA_}" | tr '[:upper:]' '[:lower:]' | sed -e 's/___/-/g' -e 's/__/@/g' -e 's/_/./g' -e 's/@/_/g')"
  lines+=("$key=${!name}")
done < <(env)

if ((${#lines[@]} == 0)); then
  cat >"$PROPS" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:9093
listeners=PLAINTEXT://:9092,CONTROLLER://:9093
advertised.listeners=PLAINTEXT://localhost:9092
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=/tmp/kraft-combined-logs
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
PROPS
else
  printf '%s\n' "${lines[@]}" >"$PROPS"
  # The official image requires log.dirs among the variables too; without it, its default.
  grep -q '^log\.dirs=' "$PROPS" || echo 'log.dirs=/tmp/kraft-combined-logs' >>"$PROPS"
fi

kafka-storage.sh format --cluster-id="$CLUSTER_ID" -c "$PROPS" --ignore-formatted
exec kafka-server-start.sh "$PROPS"

#!/bin/bash
# The stand-in's kafka-server-start.sh: the broker with the official default heap and log4j.
export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx1G -Xms1G}"
export KAFKA_LOG4J_OPTS="${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties}"
exec "$(dirname "$0")/kafka-run-class.sh" -XX:+ExitOnOutOfMemoryError kafka.Kafka "$@"

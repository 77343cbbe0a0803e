#!/bin/bash
# The stand-in's kafka-run-class.sh: one classpath of every jar, the official variables.
set -e
LOG4J="${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=/opt/kafka/config/tools-log4j2.properties}"
# shellcheck disable=SC2086 # the *_OPTS are word lists, as in the official script
exec java ${KAFKA_HEAP_OPTS:--Xmx256m} ${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:-UsePerfData -Djava.awt.headless=true} \
  $LOG4J ${KAFKA_OPTS:-} -cp "/opt/kafka/libs/*" "$@"

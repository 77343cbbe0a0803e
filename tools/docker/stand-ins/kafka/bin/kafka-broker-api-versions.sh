#!/bin/bash
# The stand-in's kafka-broker-api-versions.sh (the official script runs the same class).
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.BrokerApiVersionsCommand "$@"

#!/bin/bash
# The stand-in's kafka-storage.sh (the official script runs the same class).
exec "$(dirname "$0")/kafka-run-class.sh" kafka.tools.StorageTool "$@"

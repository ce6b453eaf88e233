#!/usr/bin/env bash
# Runs every test: Lucene's conformance suites for Quiver's formats, unit tests, and the REST tests
# against a real OpenSearch 3.8.0 node with the freshly built plugin installed.
# Run as a normal (non-root) user: OpenSearch refuses to start as root.
# Extra arguments go to Maven (e.g. -Dqa.shared=/path/to/shared).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
exec mvn -B -ntp verify "$@"

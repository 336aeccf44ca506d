#!/usr/bin/env bash
# Engage's test command: installs what the build needs, builds, runs every test.
# Usage: scripts/test.sh [extra `swift test` arguments, e.g. --filter GoldenReportTests]
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the build needs (GRDB links the system SQLite).
need=()
dpkg -s libsqlite3-dev >/dev/null 2>&1 || need+=(libsqlite3-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi

swift build --build-tests
swift test "$@"

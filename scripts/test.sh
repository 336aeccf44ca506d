#!/usr/bin/env bash
# Engage's test command: installs what the build needs, builds, runs every test.
# Usage: scripts/test.sh [extra `swift test` arguments, e.g. --filter GoldenReportTests]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi

# Debian packages the build and tests need: the system SQLite (GRDB links it), FreeXL
# (legacy .xls exports), Chromium (the dashboard's real-browser test), nginx (the load
# balancer in front of two instances in the multi-instance test).
need=()
dpkg -s libsqlite3-dev >/dev/null 2>&1 || need+=(libsqlite3-dev)
dpkg -s libfreexl-dev >/dev/null 2>&1 || need+=(libfreexl-dev)
dpkg -s pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v nginx >/dev/null 2>&1 || need+=(nginx)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi

swift build --build-tests
# the LinkedIn .xls tests write their workbooks with Python's xlwt
python3 -c "import xlwt" 2>/dev/null || python3 -m pip install -q xlwt

# Every store, import and report test runs on SQLite and on PostgreSQL: a throwaway
# cluster unless ENGAGE_TEST_POSTGRES_URL names a server to use.
if [ -z "${ENGAGE_TEST_POSTGRES_URL:-}" ]; then
  source scripts/throwaway-postgres.sh
fi
export ENGAGE_REQUIRE_POSTGRES=1
# the hostile-CSV fuzz target (HostileCSVTests) runs this many cases
export ENGAGE_FUZZ_COUNT="${ENGAGE_FUZZ_COUNT:-2000}"
# a hang fails the run instead of eating CI's time
timeout --kill-after=30 2400 swift test "$@"

# The dashboard in a real headless Chromium, the API fuzzed against its OpenAPI document,
# kill -9 during redirects, two instances on one PostgreSQL behind nginx, scheduled reports
# through a real SMTP server (aiosmtpd: STARTTLS, a password, down and back) — skipped when
# a filter narrows the run.
if [ $# -eq 0 ]; then
  python3 -c "import playwright" 2>/dev/null || python3 -m pip install -q playwright
  command -v schemathesis >/dev/null 2>&1 || python3 -m pip install -q schemathesis
  python3 -c "import aiosmtpd" 2>/dev/null || python3 -m pip install -q aiosmtpd
  timeout --kill-after=10 600 python3 scripts/browser_test.py "$(swift build --show-bin-path)/engage" --out .build/browser-test
  timeout --kill-after=10 300 python3 scripts/redirect_durability_test.py "$(swift build --show-bin-path)/engage"
  timeout --kill-after=10 300 python3 scripts/mail_test.py "$(swift build --show-bin-path)/engage"
  timeout --kill-after=10 300 python3 scripts/multi_instance_test.py "$(swift build --show-bin-path)/engage" "$ENGAGE_TEST_POSTGRES_URL"
  timeout --kill-after=10 900 python3 scripts/schemathesis_test.py "$(swift build --show-bin-path)/engage" --out .build/schemathesis
fi

#!/usr/bin/env bash
# Runs every test: lint, the whole suite on SQLite, the data layer again on PostgreSQL, and the
# browser tests in Debian's chromium. Without PostgreSQL or chromium on a developer machine the
# run goes on and says loudly what it skipped; with CI=true both are mandatory.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
CI=${CI:-false}
PG_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

echo "== ruff"
$BIN/ruff check .
$BIN/ruff format --check .

echo "== mypy"
$BIN/mypy

echo "== tests on SQLite"
$BIN/pytest -m "not browser" "$@"

echo "== data layer on PostgreSQL"
if $BIN/python -c "import psycopg,sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$PG_URL" 2>/dev/null; then
  # A throwaway test database per run, dropped by pytest-django at the end.
  DATABASE_URL="$PG_URL" DB_TEST_NAME="test_spasmtrack_$$" \
    $BIN/pytest -m "not browser" tests/accounts tests/clinic tests/diary tests/interop tests/reminders tests/measures tests/sharing tests/test_cli.py "$@"
elif [ "$CI" = "true" ]; then
  echo "PostgreSQL is not reachable at $PG_URL, and CI=true makes that run mandatory." >&2
  exit 1
else
  echo "NOTICE: PostgreSQL not reachable at $PG_URL: SKIPPED the PostgreSQL run." >&2
  echo "NOTICE: set TEST_DATABASE_URL or start PostgreSQL to run it." >&2
fi

echo "== browser tests (Debian chromium via Playwright)"
if command -v npm >/dev/null; then npm ci --silent --no-audit --no-fund; fi
if [ -x "$CHROMIUM" ] && [ -f node_modules/axe-core/axe.min.js ]; then
  CHROMIUM="$CHROMIUM" $BIN/pytest -m browser tests/browser "$@"
elif [ "$CI" = "true" ]; then
  echo "$CHROMIUM or node_modules/axe-core is missing, and CI=true makes the browser run mandatory." >&2
  exit 1
else
  echo "NOTICE: SKIPPED the browser tests: they need Debian's chromium ($CHROMIUM;" >&2
  echo "NOTICE: apt-get install chromium) and npm (for axe-core; apt-get install npm)." >&2
fi

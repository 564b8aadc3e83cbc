#!/usr/bin/env bash
# The test suite, as `make test` runs it: the whole suite on SQLite (with the browser tests in Debian's Chromium) and,
# at the same time on the machine's other core, the database-facing tests again on PostgreSQL (started by
# scripts/postgres-for-tests.sh). The PostgreSQL run's output follows the SQLite run's; the script fails if either
# run does. Each run keeps its own temporary folder. Arguments go to both pytest runs (-x, -k NAME ...).
set -uo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
postgres=$(bash scripts/postgres-for-tests.sh) || exit 1
log=$(mktemp -t quanzi-postgres-tests.XXXXXX)
trap 'rm -f "$log"' EXIT
QUANZI_TEST_POSTGRES=$postgres "$python" -m pytest -m "not sqlite_only" -p no:cacheprovider \
  --basetemp="${TMPDIR:-/tmp}/quanzi-tests-postgres" "$@" >"$log" 2>&1 &
postgres_run=$!
QUANZI_REQUIRE_BROWSER=1 "$python" -m pytest --basetemp="${TMPDIR:-/tmp}/quanzi-tests-sqlite" "$@"
sqlite_status=$?
wait "$postgres_run"
postgres_status=$?
echo "================================ the same tests on PostgreSQL ================================"
cat "$log"
exit $((sqlite_status != 0 || postgres_status != 0))

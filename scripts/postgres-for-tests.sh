#!/usr/bin/env bash
# Make a PostgreSQL server available to the test suite: install Debian's package if it is missing, start the
# cluster, and create a role that may create databases. Prints the URL for QUANZI_TEST_POSTGRES.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
  as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >&2
fi
read -r version cluster port status _ < <(pg_lsclusters -h | head -n 1)
if [ "$status" != "online" ]; then
  as_root pg_ctlcluster "$version" "$cluster" start >&2
fi
as_root su postgres -c "psql -p $port -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = 'quanzi_test'\"" | grep -q 1 ||
  as_root su postgres -c "psql -p $port -qc \"CREATE ROLE quanzi_test LOGIN PASSWORD 'quanzi_test' CREATEDB\"" >&2
# Dropping a test database WITH (FORCE) ends the autovacuum worker that may be visiting it: that takes this role.
as_root su postgres -c "psql -p $port -qc \"GRANT pg_signal_backend TO quanzi_test\"" >&2
echo "postgres://quanzi_test:quanzi_test@127.0.0.1:$port"

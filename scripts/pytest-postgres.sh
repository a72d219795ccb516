#!/usr/bin/env bash
# The PostgreSQL pass of `make test`, run inside scripts/with-services.sh (one cluster, one
# Redis): first every test not marked `serial` on POSTGRES_WORKERS cores (pytest-xdist: each
# worker its own test database), then the `serial` ones (tests/conftest.py: SERIAL_PATHS) in
# one process, alone on the services. Both parts always run; the pass fails if either fails.
# Extra arguments go to both pytest runs.
set -uo pipefail

py=${PY:-.venv/bin/python}
workers=${POSTGRES_WORKERS:-2}

run() {
  local name=$1 start=$SECONDS status
  shift
  "$py" -m pytest -p no:cacheprovider "$@"
  status=$?
  # 5: nothing selected, which only a narrowed run (extra arguments) may give.
  if [ "$status" = 5 ] && [ "$extra" -gt 0 ]; then status=0; fi
  echo "pytest-postgres: $name part: exit $status, $((SECONDS - start)) s"
  return "$status"
}

extra=$#
run parallel -m "not serial" -n "$workers" "$@"
parallel=$?
run serial -m serial "$@"
serial=$?
if [ "$parallel" != 0 ] || [ "$serial" != 0 ]; then
  echo "pytest-postgres: FAILED (parallel part exit $parallel, serial part exit $serial)" >&2
  exit 1
fi

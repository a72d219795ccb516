#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL cluster and a throwaway Redis server on free
# loopback ports; both are removed afterwards. Exports DATABASE_URL and GLANS_TEST_REDIS_URL
# (and GLANS_TEST_PG_CTL/GLANS_TEST_PG_DATA, so a fault test can restart the cluster).
# PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user.
set -euo pipefail

pg_bin=""
for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [ -x "$dir/initdb" ]; then pg_bin="$dir"; break; fi
done
if [ -z "$pg_bin" ]; then
  echo "with-services: no PostgreSQL server binaries found (install Debian's postgresql-15)" >&2
  exit 1
fi
redis_bin=$(command -v redis-server || true)
if [ -z "$redis_bin" ]; then
  echo "with-services: redis-server not found (run scripts/ensure-system-packages.sh)" >&2
  exit 1
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

tmp=$(mktemp -d /tmp/glans-services-XXXXXX)
chmod 755 "$tmp"
run_pg=()
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres
  chown postgres "$tmp"
  run_pg=(runuser -u postgres --)
fi

pg_port=$(free_port)
redis_port=$(free_port)

cleanup() {
  "${run_pg[@]}" "$pg_bin/pg_ctl" -D "$tmp/pg" -m immediate -w stop >/dev/null 2>&1 || true
  if [ -f "$tmp/redis.pid" ]; then kill "$(cat "$tmp/redis.pid")" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"${run_pg[@]}" "$pg_bin/initdb" -D "$tmp/pg" -A trust -U glans -E UTF8 --no-sync >"$tmp/initdb.log" 2>&1 \
  || { cat "$tmp/initdb.log" >&2; exit 1; }
"${run_pg[@]}" "$pg_bin/pg_ctl" -D "$tmp/pg" -l "$tmp/pg/server.log" -w -t 60 \
  -o "-p $pg_port -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
  start >/dev/null || { cat "$tmp/pg/server.log" >&2; exit 1; }

"$redis_bin" --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
  --daemonize yes --pidfile "$tmp/redis.pid" --dir "$tmp" --logfile "$tmp/redis.log"
for _ in $(seq 50); do
  if [ -f "$tmp/redis.pid" ]; then break; fi
  sleep 0.1
done

export DATABASE_URL="postgres://glans@127.0.0.1:$pg_port/postgres"
export GLANS_TEST_REDIS_URL="redis://127.0.0.1:$redis_port/0"
# For the fault tests that restart PostgreSQL (tests/faults/test_database_restart.py).
export GLANS_TEST_PG_CTL="$pg_bin/pg_ctl" GLANS_TEST_PG_DATA="$tmp/pg"
echo "with-services: PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port"
set +e
"$@"
status=$?
set -e
exit $status

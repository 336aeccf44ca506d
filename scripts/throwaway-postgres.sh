# Sourced by scripts/test.sh: starts a throwaway PostgreSQL cluster on a free loopback port
# and exports ENGAGE_TEST_POSTGRES_URL; stops it by its pid and removes its folder on exit.
# Installs Debian's postgresql when missing. As root, the server runs as the `postgres`
# user (PostgreSQL refuses to run as root). Fails when the server cannot be started.

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ -z "$(pg_bin)" ]; then
  echo "installing postgresql"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
PGBIN="$(pg_bin)"
[ -n "$PGBIN" ] || { echo "PostgreSQL server binaries not found after install" >&2; exit 1; }

PGTMP="$(mktemp -d /tmp/engage-pg.XXXXXX)"
chmod 755 "$PGTMP"
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
  chown postgres: "$PGTMP"
  AS_PG=(runuser -u postgres --)
else
  AS_PG=()
fi
PGPORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

stop_postgres() {
  if [ -f "$PGTMP/data/postmaster.pid" ]; then
    pid="$(head -n 1 "$PGTMP/data/postmaster.pid")"
    kill -INT "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$PGTMP"
}
trap stop_postgres EXIT

"${AS_PG[@]}" "$PGBIN/initdb" -D "$PGTMP/data" -A trust -U engage -E UTF8 --no-sync >"$PGTMP/initdb.log" 2>&1 \
  || { cat "$PGTMP/initdb.log" >&2; exit 1; }
# one role that must give a password, for the wrong-password test
"${AS_PG[@]}" sh -c "{ echo 'host all engage_pw 127.0.0.1/32 scram-sha-256'; cat '$PGTMP/data/pg_hba.conf'; } > '$PGTMP/hba' && mv '$PGTMP/hba' '$PGTMP/data/pg_hba.conf'"
"${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 60 \
  -o "-p $PGPORT -k $PGTMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c max_locks_per_transaction=256" \
  start >/dev/null || { cat "$PGTMP/server.log" >&2; exit 1; }
"${AS_PG[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U engage engage_test
psql -q -h 127.0.0.1 -p "$PGPORT" -U engage -d engage_test -c "CREATE ROLE engage_pw LOGIN PASSWORD 'right-password'" >/dev/null
export ENGAGE_TEST_POSTGRES_URL="postgres://engage@127.0.0.1:$PGPORT/engage_test?sslmode=disable"
export ENGAGE_TEST_POSTGRES_PASSWORD_URL="postgres://engage_pw:right-password@127.0.0.1:$PGPORT/engage_test?sslmode=disable"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT (pid $(head -n 1 "$PGTMP/data/postmaster.pid"))"

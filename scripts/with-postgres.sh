#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster: initdb in a temp dir, start it on a
# Unix socket, export DATABASE_URL, run, stop and delete. PostgreSQL refuses to run as root,
# so as root the cluster belongs to the `postgres` system user.
set -euo pipefail
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -n "$bindir" ] || { echo "PostgreSQL 未安装（apt-get install postgresql）" >&2; exit 1; }
dir=$(mktemp -d /tmp/zhenwu-pg.XXXXXX)
chmod 755 "$dir"
run_as=()
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home "$dir" postgres
  chown postgres "$dir"
  run_as=(runuser -u postgres --)
fi
port=${PGTEST_PORT:-55432}
cleanup() { "${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
"${run_as[@]}" "$bindir/initdb" -D "$dir/data" -U zhenwu --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -o "-k $dir -p $port -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" -w -l "$dir/log" start >/dev/null
"$bindir/createdb" -h "$dir" -p "$port" -U zhenwu zhenwu
export DATABASE_URL="postgres://zhenwu@/zhenwu?host=$dir&port=$port"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') 临时集群：$dir"
ZHENWU_TESTING=1 "$@"

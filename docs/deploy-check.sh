#!/usr/bin/env bash
# Walks docs/DEPLOY.md on one machine and measures it, all in one run:
#   1. a roster of N ASN imported into SQLite, and the raw SQLite insert rate;
#   2. signing throughput with the load tool against one instance on SQLite;
#   3. the same database moved into PostgreSQL with `ikrar migrate`, and the
#      load against one instance on PostgreSQL;
#   4. two instances on one PostgreSQL behind nginx, the load through nginx,
#      then `ikrar audit verify` and the signature count in PostgreSQL.
# PostgreSQL runs with its durable defaults (fsync, synchronous_commit on),
# as in production. Needs Go, nginx, PostgreSQL's binaries and curl; run
# as root (PostgreSQL itself then runs as the postgres user).
#
# Usage: bash docs/deploy-check.sh [ROSTER_SIZE=100000] [DURATION=15s]
set -euo pipefail
N="${1:-100000}"
DUR="${2:-15s}"
CONC="${CONC:-64}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/ikrar-deploy.XXXXXX)"
chmod 755 "$work"
pids=()
pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() {
  local p=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx/nginx.pid" ] && nginx -p "$work/nginx" -c nginx.conf -s stop 2>/dev/null || true
  [ -d "$work/pg/data" ] && as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# serve NAME PORT ARGS...: start `ikrar serve` and wait until /healthz says ok.
serve() {
  local name=$1 port=$2
  shift 2
  "$work/ikrar" serve --addr "127.0.0.1:$port" --base-url "http://127.0.0.1:$port" --data "$work/$name" "$@" \
    >"$work/$name.out" 2>"$work/$name.log" &
  pids+=($!)
  for _ in $(seq 100); do
    if [ "$(curl -fs "http://127.0.0.1:$port/healthz" 2>/dev/null)" = ok ]; then return; fi
    sleep 0.1
  done
  echo "ikrar serve $name did not start:" >&2
  cat "$work/$name.log" >&2
  exit 1
}
stop_all() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  pids=()
}
load() { # load URL TITLE
  echo
  echo "=== $2"
  "$work/ikrar-load" --url "$1" --links "$work/links.csv" --concurrency "$CONC" --warmup 3s --duration "$DUR" --progress 0 "${@:3}"
}

echo "building into $work"
(cd "$root" && go build -o "$work/ikrar" ./cmd/ikrar && go build -o "$work/ikrar-load" ./cmd/ikrar-load)
echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "machine: $(nproc) cores, $(go version | cut -d' ' -f3), PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}'), $(nginx -v 2>&1)"

# --- roster and the raw SQLite limit -------------------------------------
"$work/ikrar-load" gen-roster --n "$N" --departments 200 --out "$work/roster.csv"
start=$(date +%s.%N)
"$work/ikrar" roster import --data "$work/base" "$work/roster.csv" | tail -n 1
printf "import into SQLite: %.1f s\n" "$(echo "$(date +%s.%N) - $start" | bc)"
"$work/ikrar" links export --allow-localhost --data "$work/base" --out "$work/links.csv" >/dev/null
mkdir -p "$work/raw"
"$work/ikrar-load" raw-sqlite --dir "$work/raw" --duration 3s --batches 1,256

# --- one instance on SQLite ----------------------------------------------
"$work/ikrar" backup --data "$work/base" --out "$work/sqlite.db" >/dev/null
port=$(free_port 18080)
serve sqlite "$port" --db "$work/sqlite.db"
load "http://127.0.0.1:$port" "SQLite, one instance" --db "$work/sqlite.db"
stop_all

# --- PostgreSQL with durable defaults --------------------------------------
mkdir -p "$work/pg"
[ "$(id -u)" = 0 ] && chown postgres "$work/pg"
pgport=$(free_port 15432)
as_pg "$pgbin/initdb" -D "$work/pg/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w -o "-k $work/pg -p $pgport -h 127.0.0.1" start >/dev/null
for db in ikrar_one ikrar_two; do as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$pgport" -U postgres "$db"; done
dsn_one="postgres://postgres@127.0.0.1:$pgport/ikrar_one?sslmode=disable"
dsn_two="postgres://postgres@127.0.0.1:$pgport/ikrar_two?sslmode=disable"
start=$(date +%s.%N)
"$work/ikrar" migrate --from "sqlite:$work/base/ikrar.db" --to "postgres:$dsn_one" | tail -n 2 | head -n 1
printf "migrate into PostgreSQL: %.1f s\n" "$(echo "$(date +%s.%N) - $start" | bc)"
"$work/ikrar" migrate --from "sqlite:$work/base/ikrar.db" --to "postgres:$dsn_two" >/dev/null

# --- one instance on PostgreSQL --------------------------------------------
port=$(free_port 18090)
serve pg-one "$port" --db-driver postgres --db "$dsn_one"
load "http://127.0.0.1:$port" "PostgreSQL, one instance"
stop_all

# --- two instances on PostgreSQL behind nginx ------------------------------
pa=$(free_port 18100)
serve pg-a "$pa" --db-driver postgres --db "$dsn_two"
pb=$(free_port $((pa + 1)))
serve pg-b "$pb" --db-driver postgres --db "$dsn_two" \
  --signing-cert "$work/pg-a/signing-cert.pem" --signing-key "$work/pg-a/signing-key.pem"
pn=$(free_port 18200)
mkdir -p "$work/nginx"
sed -e "s/127.0.0.1:8081/127.0.0.1:$pa/; s/127.0.0.1:8082/127.0.0.1:$pb/; s/127.0.0.1:80;/127.0.0.1:$pn;/" \
  "$root/docs/nginx-ikrar.conf" >"$work/nginx/ikrar.conf"
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx;
  proxy_temp_path $work/nginx;
  include $work/nginx/ikrar.conf;
}
EOF
nginx -p "$work/nginx" -c nginx.conf
# First the load split straight between the instances (half the signers
# each, on roster ranges of their own), to tell nginx's share from the
# instances' own; then the whole load through nginx, from entry 0.
echo
echo "=== PostgreSQL, two instances, load split between them without nginx"
half=$((CONC / 2))
"$work/ikrar-load" --url "http://127.0.0.1:$pa" --links "$work/links.csv" --concurrency "$half" --warmup 3s --duration "$DUR" \
  --progress 0 --skip $((N * 2 / 5)) >"$work/split-a.txt" &
split=$!
"$work/ikrar-load" --url "http://127.0.0.1:$pb" --links "$work/links.csv" --concurrency "$half" --warmup 3s --duration "$DUR" \
  --progress 0 --skip $((N * 7 / 10)) >"$work/split-b.txt"
wait "$split"
grep -h -E "throughput|POST latency|errors|on disk" "$work/split-a.txt" "$work/split-b.txt"
load "http://127.0.0.1:$pn" "PostgreSQL, two instances behind nginx"

echo
echo "=== through nginx: staff login, roster import with preview, then instance A killed"
printf 'rahasia-sekali-123\n' | "$work/ikrar" user add --role admin --username admin --password-stdin \
  --db-driver postgres --db "$dsn_two" >/dev/null
nx="http://127.0.0.1:$pn"
jar="$work/cookies"
csrf_of() { grep -o 'name="_csrf" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//'; }
csrf=$(curl -fs -c "$jar" -b "$jar" "$nx/login" | csrf_of)
login=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --data-urlencode "_csrf=$csrf" \
  -d username=admin -d password=rahasia-sekali-123 "$nx/login")
csrf=$(curl -fs -c "$jar" -b "$jar" "$nx/admin/roster" | csrf_of)
"$work/ikrar-load" gen-roster --n 50 --departments 2 --seed 99 --out "$work/extra.csv" >/dev/null
token=$(curl -fs -c "$jar" -b "$jar" -F "_csrf=$csrf" -F "file=@$work/extra.csv" "$nx/admin/roster/preview" |
  grep -o 'name="token" value="[^"]*"' | sed 's/.*value="//; s/"$//')
commit=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --data-urlencode "_csrf=$csrf" \
  -d "token=$token" -d name=extra "$nx/admin/roster/commit")
echo "  login: HTTP $login (want 303); roster preview then commit: HTTP $commit (want 303)"
[ "$login" = 303 ] && [ "$commit" = 303 ] || { echo "staff journey through nginx failed" >&2; exit 1; }
kill -9 "${pids[0]}"
echo "  instance A killed with kill -9; 200 more people sign through nginx:"
"$work/ikrar-load" --url "$nx" --links "$work/links.csv" --concurrency 8 --warmup 0s --requests 200 \
  --skip $((N - 300)) --progress 0 | grep -E "throughput|errors|on disk"

echo
echo "signatures per instance in both two-instance runs (POST /sign/... answered 200):"
for n in pg-a pg-b; do echo "  $n: $(grep -c 'method=POST path=/sign/… status=200' "$work/$n.log" || true)"; done
echo "signatures in PostgreSQL: $(as_pg "$pgbin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -tA -c 'SELECT COUNT(*) FROM signatures' ikrar_two)"
"$work/ikrar" audit verify --db-driver postgres --db "$dsn_two"

echo
echo "=== backups: ikrar backup refuses on PostgreSQL; pg_dump (instance B still serving), restore, verify"
"$work/ikrar" backup --db-driver postgres --db "$dsn_two" --out "$work/x.db" 2>&1 | sed 's/^/  /' || true
as_pg "$pgbin/pg_dump" -h 127.0.0.1 -p "$pgport" -U postgres -Fc -f "$work/pg/ikrar.dump" ikrar_two
as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$pgport" -U postgres ikrar_restored
as_pg "$pgbin/pg_restore" --no-owner -h 127.0.0.1 -p "$pgport" -U postgres -d ikrar_restored "$work/pg/ikrar.dump"
echo "  dump: $(du -h "$work/pg/ikrar.dump" | cut -f1)"
echo "  restored: $("$work/ikrar" audit verify --db-driver postgres --db "postgres://postgres@127.0.0.1:$pgport/ikrar_restored?sslmode=disable")"

#!/usr/bin/env bash
# Reproduces the figures in docs/PERFORMANCE.md: every bar next to its raw
# limit measured in the same run, on this machine.
#
#   docs/bench.sh [WORKDIR]            # default /tmp/ikrar-bench
#   SCALE=1 docs/bench.sh              # also 10k and 1M rosters (import, re-import, links
#                                      # export, signing), audit verify of 5M events, and the
#                                      # whole-roster exports at 100k and 1M (unit CSV/XLSX report,
#                                      # refused PDFs, certificate ZIP; needs sqlite3)
#   BENCH_COUNT=6 docs/bench.sh        # Go benchmark repetitions (for benchstat)
#   SIGN_RUNS=3 docs/bench.sh          # three signing rounds (each after its own bare Echo run,
#                                      # with BASE's right after)
#   PG=1 docs/bench.sh                 # also one and two instances on one PostgreSQL
#   PG=only docs/bench.sh              # only that (still builds and measures bare Echo)
#   BASE=12dfd21 docs/bench.sh         # also that revision's signing run and its Go benchmarks
#                                      # (signing visit, certificates, dashboard to 100,000,
#                                      # import), each right after this build's: before/after
#
# Needs: Go, /usr/bin/time (GNU time); with PG, PostgreSQL's initdb (Debian's
# postgresql package; run as root or as a user who may run it). Optional: benchstat
# (go install golang.org/x/perf/cmd/benchstat@latest).
# The load generator runs on the same machine as the server and shares its
# cores; the script prints the load average so a busy machine shows.
set -euo pipefail
cd "$(dirname "$0")/.."
W=${1:-/tmp/ikrar-bench}
PORT=${PORT:-18090}
COUNT=${BENCH_COUNT:-3}
DUR=${SIGN_DURATION:-30s}
mkdir -p "$W"
export IKRAR_BENCH_CACHE="$W/cache"
IKRAR="$W/ikrar"
LOAD="$W/ikrar-load"

say() { printf '\n== %s\n' "$*"; }
cpu_seconds() { awk '{printf "%.2f", ($14+$15)/100}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

say "machine"
echo "cores: $(nproc)  $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
echo "memory: $(free -m | awk '/Mem:/ {print $2}') MB   $(go version)"
echo "disk of $W: $(df -h "$W" | tail -1 | awk '{print $1, $2}')"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

go build -o "$IKRAR" ./cmd/ikrar
go build -o "$LOAD" ./cmd/ikrar-load

if [ "${PG:-}" != only ]; then
	say "raw limit: durable SQLite inserts on this disk (WAL, synchronous=FULL)"
	"$LOAD" raw-sqlite --dir "$W" --duration 5s --batches 1,16,64,256
fi

say "raw limit: bare Echo handlers, same GET+POST visit, 64 signers"
"$LOAD" bare-echo --concurrency 64 --duration 15s --warmup 3s | grep -v '^RESULT' || true

# import_roster N [NAME]: generate, import with GNU time, print time and
# peak RSS (into $W/data-NAME, default data-N); then the same file again
# (every row compared, none written) and the links export, each with its
# time and peak RSS: memory must not grow with N (docs/PERFORMANCE.md).
import_roster() {
	local n=$1 dir="$W/data-${2:-$1}" units=200
	[ "$n" -ge 1000000 ] && units=500
	[ -f "$W/roster-$n.csv" ] || "$LOAD" gen-roster --n "$n" --departments "$units" --out "$W/roster-$n.csv" >/dev/null
	rm -rf "$dir" && mkdir -p "$dir"
	/usr/bin/time -f "import $n rows: %e s wall (%U s user, %S s sys), peak RSS %M KB" "$IKRAR" roster import --data "$dir" "$W/roster-$n.csv" 2>&1 | tail -2
	/usr/bin/time -f "re-import of the same $n rows: %e s wall, peak RSS %M KB" "$IKRAR" roster import --data "$dir" "$W/roster-$n.csv" 2>&1 | tail -2
	/usr/bin/time -f "links export of $n: %e s wall, peak RSS %M KB" "$IKRAR" links export --allow-localhost --data "$dir" --out "$dir/links.csv" 2>&1 | tail -1
}

# whole_roster_exports N: the whole-roster exports of issue 18 at N
# people, each under GNU time for its peak RSS (docs/PERFORMANCE.md). Every
# unit of the generated roster is put under one parent unit, so one unit
# report holds everyone; 80 % are signed in bulk by SQL (no certificates,
# no audit events: the exports read the signature rows, nothing else); then
# the unit's CSV and XLSX report, the refused PDFs, and the certificate ZIP
# with everyone signed and a stored certificate for each (4 KB stand-in
# bytes: the export copies stored bytes as they are). Needs sqlite3.
whole_roster_exports() {
	local n=$1 dir="$W/exports-$1" csv="$W/roster-$1-parent.csv" units=200
	command -v sqlite3 >/dev/null || { echo "sqlite3 not installed: whole-roster exports skipped"; return 0; }
	[ "$n" -ge 1000000 ] && units=500
	[ -f "$W/roster-$n.csv" ] || "$LOAD" gen-roster --n "$n" --departments "$units" --out "$W/roster-$n.csv" >/dev/null
	# unit_induk "Pemerintah Kota Contoh" for all; the first person works there.
	awk 'NR == 1 { print $0 ",unit_induk"; next }
		NR == 2 { sub(/,[^,]*$/, ",Pemerintah Kota Contoh,"); print; next }
		{ print $0 ",Pemerintah Kota Contoh" }' "$W/roster-$n.csv" >"$csv"
	rm -rf "$dir" && mkdir -p "$dir"
	"$IKRAR" roster import --data "$dir" "$csv" >/dev/null
	# 80 % signed, then the exports of the unit holding everyone.
	sign_in_bulk "$dir/ikrar.db" '!= 0'
	local unit="--department pemerintah-kota-contoh"
	/usr/bin/time -f "unit report CSV of $n people: %e s wall, peak RSS %M KB" "$IKRAR" report --data "$dir" $unit --format csv --out "$dir/unit.csv" 2>&1 | tail -1
	/usr/bin/time -f "unit report XLSX of $n people: %e s wall, peak RSS %M KB" "$IKRAR" report --data "$dir" $unit --format xlsx --out "$dir/unit.xlsx" 2>&1 | tail -1
	/usr/bin/time -f "unit report PDF of $n people (refused above 10,000): %e s wall, peak RSS %M KB" "$IKRAR" report --data "$dir" $unit --format pdf --out "$dir/unit.pdf" 2>&1 | tail -1 || true # refused: exits 1
	/usr/bin/time -f "link cards PDF of $n people (refused above 10,000): %e s wall, peak RSS %M KB" "$IKRAR" links export --allow-localhost --data "$dir" --out "$dir/links.pdf" 2>&1 | tail -1 || true # refused: exits 1
	rm -f "$dir"/unit.* "$dir"/links.*
	sign_in_bulk "$dir/ikrar.db" '= 0'
	# Real certificates for the smallest unit (this also records the
	# signing key), then a stand-in for every other signature.
	local leaf
	leaf=$(sqlite3 "$dir/ikrar.db" "SELECT d.code FROM departments d JOIN asns a ON a.department_id = d.id
		WHERE d.code != 'pemerintah-kota-contoh' GROUP BY d.id ORDER BY count(*), d.code LIMIT 1")
	"$IKRAR" certificates export --allow-localhost --data "$dir" --department "$leaf" --out "$dir/leaf.zip" >/dev/null
	sqlite3 "$dir/ikrar.db" <<-'SQL'
	PRAGMA synchronous = OFF;
	INSERT INTO certificates (signature_id, pdf, sha256, base_url, created_at)
	SELECT id, randomblob(4096), '', 'http://127.0.0.1', signed_at FROM signatures
	WHERE id NOT IN (SELECT signature_id FROM certificates);
	SQL
	/usr/bin/time -f "certificate ZIP of $n (stored, 4 KB each, to /dev/null): %e s wall, peak RSS %M KB" "$IKRAR" certificates export --allow-localhost --data "$dir" --out - 2>&1 >/dev/null | tail -1
	rm -rf "$dir" "$csv"
}

# sign_in_bulk DB COND: signs campaign 1 for every active person whose id
# mod 5 is COND ('!= 0': 80 %; '= 0': the rest), as one SQL statement; the
# database's triggers keep the completion counters.
sign_in_bulk() {
	sqlite3 "$1" <<-SQL
	PRAGMA synchronous = OFF;
	INSERT INTO signatures (asn_id, campaign_id, department_id, signed_at, typed_name, pledge_hash, cert_code,
	                        signer_nip, signer_name, signer_position)
	SELECT a.id, c.id, a.department_id,
	       strftime('%Y-%m-%d %H:%M:%S', '2026-11-20 01:00:00', '+' || (a.id % 500000) || ' seconds') || '+00:00',
	       a.name, c.text_hash, printf('IKR-B-%08d', a.id), a.nip, a.name, a.position
	FROM asns a, campaigns c
	WHERE c.id = 1 AND a.active AND a.id % 5 $2;
	SQL
}

# sign_load N [NAME]: serve the N-entry roster ($W/data-NAME), measure
# idle RSS, run 64 signers, report server and load-generator CPU per
# signature.
sign_load() {
	local n=$1 dir="$W/data-${2:-$1}"
	"$IKRAR" serve --data "$dir" --addr "127.0.0.1:$PORT" >"$dir/serve.out" 2>"$dir/serve.log" &
	local pid=$!
	for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
	sleep 10
	echo "idle RSS of ikrar serve (roster $n, 10 s after start): $(rss_kb $pid) KB"
	local before
	before=$(cpu_seconds $pid)
	echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
	/usr/bin/time -f "load generator CPU: %U s user + %S s system" \
		"$LOAD" --url "http://127.0.0.1:$PORT" --links "$dir/links.csv" --db "$dir/ikrar.db" \
		--concurrency 64 --duration "$DUR" --warmup 5s --progress 10s 2>&1 | tee "$dir/load.out" | grep -v '^RESULT' || true
	local after acked
	after=$(cpu_seconds $pid)
	acked=$(grep -o '"acked":[0-9]*' "$dir/load.out" | head -1 | cut -d: -f2)
	awk -v a="$after" -v b="$before" -v n="${acked:-0}" 'BEGIN { if (n > 0) printf "server CPU: %.1f s for %d signatures = %.3f ms per signature (GET+POST)\n", a-b, n, (a-b)*1000/n }'
	echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
	kill -TERM $pid
	wait $pid 2>/dev/null || true
}

# pg_cpu_seconds: CPU used so far by this run's PostgreSQL (its postmaster
# and the processes it started), not by other clusters on the machine
# (a test cluster's CPU would otherwise count as this run's).
pg_cpu_seconds() {
	local t=0 p pm
	pm=$(head -1 "$W/pg/data/postmaster.pid")
	for p in "$pm" $(pgrep -P "$pm" || true); do
		t=$(awk -v t="$t" '{printf "%.2f", t + ($14+$15)/100}' "/proc/$p/stat" 2>/dev/null || echo "$t")
	done
	echo "$t"
}

# serve_on NAME PORT DSN [FLAGS]: an ikrar instance on PostgreSQL, its own
# data folder; prints its pid.
serve_on() {
	local name=$1 port=$2 dsn=$3
	shift 3
	mkdir -p "$W/pg-$name"
	"$IKRAR" serve --data "$W/pg-$name" --db-driver postgres --db "$dsn" --addr "127.0.0.1:$port" "$@" \
		>"$W/pg-$name/serve.out" 2>"$W/pg-$name/serve.log" &
	local pid=$!
	for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
	echo $pid
}

# pg_sign TITLE DSN LINKS URLS PIDS: 64 signers against the instances at
# URLS (comma-separated), the CPU of PIDS and of PostgreSQL per signature.
pg_sign() {
	local title=$1 dsn=$2 links=$3 urls=$4 pids=$5 p before=0 after=0 pgb pga acked
	say "$title"
	for p in $pids; do before=$(awk -v t="$before" -v c="$(cpu_seconds $p)" 'BEGIN {print t + c}'); done
	pgb=$(pg_cpu_seconds)
	echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
	"$LOAD" --url "$urls" --links "$links" --db "$dsn" --concurrency 64 --duration "$DUR" --warmup 5s --progress 0 2>&1 |
		tee "$W/pg-load.out" | grep -v '^RESULT' || true
	for p in $pids; do after=$(awk -v t="$after" -v c="$(cpu_seconds $p)" 'BEGIN {print t + c}'); done
	pga=$(pg_cpu_seconds)
	acked=$(grep -o '"acked":[0-9]*' "$W/pg-load.out" | head -1 | cut -d: -f2)
	awk -v a="$after" -v b="$before" -v pa="$pga" -v pb="$pgb" -v n="${acked:-0}" 'BEGIN { if (n > 0) printf "ikrar CPU: %.3f ms per signature (GET+POST, all instances); PostgreSQL CPU: %.3f ms per signature\n", (a-b)*1000/n, (pa-pb)*1000/n }'
	echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# Scale-out (docs/DEPLOY.md): one ikrar instance on PostgreSQL, then two
# on one PostgreSQL with the load tool spreading visits over both, each
# on a fresh database with the same roster. PostgreSQL keeps its durable
# defaults (fsync on, synchronous_commit on): an acknowledged signature is
# flushed to disk, as with SQLite's synchronous=FULL.
pg_scale_out() {
	local n=${PG_ROSTER:-100000} pgbin pg="$W/pg" port dsn1 dsn2 a b pa pb
	pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[ -n "$pgbin" ] || { echo "PG: no PostgreSQL (initdb) found; install Debian's postgresql package" >&2; return 1; }
	as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
	[ -f "$W/roster-$n.csv" ] || "$LOAD" gen-roster --n "$n" --departments 200 --out "$W/roster-$n.csv" >/dev/null
	rm -rf "$pg" "$W"/pg-* && mkdir -p "$pg"
	[ "$(id -u)" = 0 ] && chown postgres "$pg"
	port=$((PORT + 100))
	as_pg "$pgbin/initdb" -D "$pg/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$pg/initdb.log"
	as_pg "$pgbin/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w -o "-k $pg -p $port -h 127.0.0.1 -c max_connections=100" start >/dev/null
	echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}'), fsync $(as_pg "$pgbin/psql" -h 127.0.0.1 -p $port -U postgres -Atc 'show fsync'), synchronous_commit $(as_pg "$pgbin/psql" -h 127.0.0.1 -p $port -U postgres -Atc 'show synchronous_commit')"
	for db in ikrar_one ikrar_two; do as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db"; done
	dsn1="postgres://postgres@127.0.0.1:$port/ikrar_one?sslmode=disable"
	dsn2="postgres://postgres@127.0.0.1:$port/ikrar_two?sslmode=disable"
	for i in 1 2; do
		dsn=$dsn1 && [ $i = 2 ] && dsn=$dsn2
		/usr/bin/time -f "import $n rows into PostgreSQL: %e s" "$IKRAR" roster import --data "$W/pg-import" --db-driver postgres --db "$dsn" "$W/roster-$n.csv" 2>&1 | tail -1
		"$IKRAR" links export --allow-localhost --data "$W/pg-import" --db-driver postgres --db "$dsn" --out "$W/pg-links-$i.csv" >/dev/null
	done

	a=$(serve_on one $((PORT + 1)) "$dsn1")
	sleep 5
	pg_sign "scale-out: one instance on PostgreSQL" "$dsn1" "$W/pg-links-1.csv" "http://127.0.0.1:$((PORT + 1))" "$a"
	kill -TERM "$a"; wait "$a" 2>/dev/null || true

	pa=$((PORT + 2)) pb=$((PORT + 3))
	a=$(serve_on a $pa "$dsn2")
	b=$(serve_on b $pb "$dsn2" --signing-cert "$W/pg-a/signing-cert.pem" --signing-key "$W/pg-a/signing-key.pem")
	sleep 5
	pg_sign "scale-out: two instances on one PostgreSQL, visits spread over both" "$dsn2" "$W/pg-links-2.csv" "http://127.0.0.1:$pa,http://127.0.0.1:$pb" "$a $b"
	kill -TERM "$a" "$b"; wait "$a" "$b" 2>/dev/null || true
	as_pg "$pgbin/pg_ctl" -D "$pg/data" -m fast stop >/dev/null
}

if [ "${PG:-}" = only ]; then
	pg_scale_out
	say "done; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
	exit 0
fi

if [ -n "${BASE:-}" ]; then
	rm -rf "$W/base-src" && mkdir -p "$W/base-src"
	git archive "$BASE" | tar -x -C "$W/base-src"
	(cd "$W/base-src" && go build -o "$W/ikrar-base" ./cmd/ikrar)
fi

# SIGN_RUNS rounds (default 1), each on a freshly imported roster: this
# build, then (with BASE) the earlier revision right after it, for its
# server CPU per signature beside this one's on the same machine minutes.
# With several rounds, each begins with its own bare Echo run: the
# machine's speed drifts over a run (other guests on the host), and the
# signing rate of a round is compared with the raw limit of its minutes.
for round in $(seq "${SIGN_RUNS:-1}"); do
	if [ "${SIGN_RUNS:-1}" -gt 1 ]; then
		say "raw limit of round $round: bare Echo handlers, same GET+POST visit, 64 signers"
		"$LOAD" bare-echo --concurrency 64 --duration 10s --warmup 2s | grep -E 'throughput|POST latency|errors' || true
	fi
	say "import and signing over a 100,000-entry roster (round $round)"
	import_roster 100000
	sign_load 100000
	if [ -n "${BASE:-}" ]; then
		say "signing over a 100,000-entry roster with revision $BASE (round $round)"
		current=$IKRAR
		IKRAR="$W/ikrar-base"
		import_roster 100000 base-100000
		sign_load 100000 base-100000
		IKRAR=$current
	fi
done

if [ -n "${PG:-}" ]; then
	pg_scale_out
fi

if [ -n "${SCALE:-}" ]; then
	for n in 10000 1000000; do
		say "scaling: roster of $n"
		import_roster $n
		sign_load $n
	done
	for n in 100000 1000000; do
		say "whole-roster exports: a unit of $n people"
		whole_roster_exports $n
	done
fi

bench() {
	if command -v benchstat >/dev/null; then
		go test -run '^$' "$@" | tee "$W/bench.txt" | grep -E '^(Benchmark|ok|FAIL)' ; benchstat "$W/bench.txt"
	else
		go test -run '^$' "$@" | grep -E '^(Benchmark|ok|FAIL|---)'
	fi
}

# base_bench ARGS: with BASE, the same Go benchmarks in that revision's
# tree, right after this build's, with a cache of its own (its benchmark
# databases have the older schema).
base_bench() {
	[ -n "${BASE:-}" ] || return 0
	[ -d "$W/base-src" ] || { mkdir -p "$W/base-src" && git archive "$BASE" | tar -x -C "$W/base-src"; }
	echo "-- the same with revision $BASE:"
	(cd "$W/base-src" && IKRAR_BENCH_CACHE="$W/cache-base" bench "$@")
}

say "Go benchmarks: signing (store) beside raw durable inserts"
bench -bench 'Sign|RawInsert' -cpu 2 -count "$COUNT" ./internal/store
say "Go benchmarks: signing visit through the server (no network) beside bare Echo"
bench -bench 'SignVisit|BareEchoVisit' -cpu 2 -count "$COUNT" ./internal/web
base_bench -bench 'SignVisit|BareEchoVisit' -cpu 2 -count "$COUNT" ./internal/web
say "Go benchmarks: certificates beside a bare one-page gofpdf document with the same fonts and CMS signature (BareDocumentCoreFont: the yardstick before issue 18, no font embedded)"
bench -bench 'Make$|BareDocument' -cpu 2 -count "$COUNT" ./internal/certificate
base_bench -bench 'Make$|BareDocument' -cpu 2 -count "$COUNT" ./internal/certificate
say "Go benchmarks: dashboard over 10,000 / 100,000 / 1,000,000 entries, 500 units (first run builds the databases)"
bench -bench 'Dashboard' -cpu 2 -count "$COUNT" -timeout 60m ./internal/web
base_bench -bench 'Dashboard/roster=(10000|100000)$/' -cpu 2 -count "$COUNT" -timeout 60m ./internal/web
say "Go benchmarks: roster import beside a raw multi-row insert"
bench -bench 'ImportRoster|RawImport' -benchtime 3x -cpu 2 -count "$COUNT" ./internal/store
base_bench -bench 'ImportRoster|RawImport' -benchtime 3x -cpu 2 -count "$COUNT" ./internal/store

# audit verify over a built chain (1,000,000 events; 5,000,000 with SCALE),
# per million events beside SHA-256 alone over the same bytes, every hash the
# chain's rule asks of verify (RawHashing), the events read and hashed, and
# the rows read alone (as verify reads them; RawReadSQL through
# database/sql); then the command itself, for its peak RSS.
EVENTS=1000000
[ -n "${SCALE:-}" ] && EVENTS=5000000
say "Go benchmarks: audit verify of $EVENTS events beside SHA-256 of the same bytes (first run builds the chain)"
export IKRAR_BENCH_AUDIT_EVENTS=$EVENTS
bench -bench 'VerifyAudit|AuditRaw' -benchtime 1x -cpu 2 -count "$COUNT" -timeout 60m ./internal/store
/usr/bin/time -f "ikrar audit verify of $EVENTS events: %e s wall, peak RSS %M KB" "$IKRAR" audit verify --data "$IKRAR_BENCH_CACHE/audit-$EVENTS-v1" 2>&1 | tail -2
say "done; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

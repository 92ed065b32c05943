#!/usr/bin/env bash
# Reproduces the figures in docs/PERFORMANCE.md: every bar next to its raw
# limit measured in the same run, on this machine.
#
#   docs/bench.sh [WORKDIR]            # default /tmp/ikrar-bench
#   SCALE=1 docs/bench.sh              # also import and sign over 10k and 1M rosters
#   BENCH_COUNT=6 docs/bench.sh        # Go benchmark repetitions (for benchstat)
#
# Needs: Go, /usr/bin/time (GNU time). Optional: benchstat
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

say "raw limit: durable SQLite inserts on this disk (WAL, synchronous=FULL)"
"$LOAD" raw-sqlite --dir "$W" --duration 5s --batches 1,16,64,256

say "raw limit: bare Echo handlers, same GET+POST visit, 64 signers"
"$LOAD" bare-echo --concurrency 64 --duration 15s --warmup 3s | grep -v '^RESULT' || true

# import_roster N: generate, import with GNU time, print time and peak RSS.
import_roster() {
	local n=$1 dir="$W/data-$1"
	[ -f "$W/roster-$n.csv" ] || "$LOAD" gen-roster --n "$n" --departments 200 --out "$W/roster-$n.csv" >/dev/null
	rm -rf "$dir" && mkdir -p "$dir"
	/usr/bin/time -f "import $n rows: %e s wall, peak RSS %M KB" "$IKRAR" roster import --data "$dir" "$W/roster-$n.csv" 2>&1 | tail -2
	"$IKRAR" links export --allow-localhost --data "$dir" --out "$dir/links.csv" >/dev/null
}

# sign_load N: serve the N-entry roster, measure idle RSS, run 64 signers,
# report server and load-generator CPU per signature.
sign_load() {
	local n=$1 dir="$W/data-$1"
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

say "import and signing over a 100,000-entry roster"
import_roster 100000
sign_load 100000

if [ -n "${SCALE:-}" ]; then
	for n in 10000 1000000; do
		say "scaling: roster of $n"
		import_roster $n
		sign_load $n
	done
fi

bench() {
	if command -v benchstat >/dev/null; then
		go test -run '^$' "$@" | tee "$W/bench.txt" | grep -E '^(Benchmark|ok|FAIL)' ; benchstat "$W/bench.txt"
	else
		go test -run '^$' "$@" | grep -E '^(Benchmark|ok|FAIL|---)'
	fi
}

say "Go benchmarks: signing (store) beside raw durable inserts"
bench -bench 'Sign|RawInsert' -cpu 2 -count "$COUNT" ./internal/store
say "Go benchmarks: signing visit through the server (no network) beside bare Echo"
bench -bench 'SignVisit|BareEchoVisit' -cpu 2 -count "$COUNT" ./internal/web
say "Go benchmarks: certificates beside a bare one-page gofpdf document with its CMS signature"
bench -bench 'Make$|BareDocument' -cpu 2 -count "$COUNT" ./internal/certificate
say "Go benchmarks: dashboard over 10,000 / 100,000 / 1,000,000 entries (first run builds the databases)"
bench -bench 'Dashboard' -cpu 2 -count "$COUNT" -timeout 60m ./internal/web
say "Go benchmarks: roster import beside a raw multi-row insert"
bench -bench 'ImportRoster|RawImport' -benchtime 3x -cpu 2 -count "$COUNT" ./internal/store
say "done; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

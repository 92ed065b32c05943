#!/usr/bin/env bash
# Signing with and without a busy sender (docs/PERFORMANCE.md, "Signing
# beside a busy sender"). Runs are alternated (A B A B ...) so that load
# drift on a shared machine falls on both; each run starts from a copy of
# the same imported roster.
#
#   docs/reach-load.sh [WORKDIR]        # default /tmp/ikrar-reach-load
#   PAIRS=6 DUR=12s RATE=3000 N=80000 docs/reach-load.sh
#
# A: `ikrar serve` with SMTP set and an empty outbox. B: the same with an
# invitation queued for every person (N), delivered to a real SMTP server
# (Debian's python3-aiosmtpd, discarding) at RATE per minute while 64
# signers sign. Prints one line per run (throughput, POST p99, server CPU
# per signature, messages sent) and the median p99 of each side.
set -euo pipefail
cd "$(dirname "$0")/.."
W=${1:-/tmp/ikrar-reach-load}
PORT=${PORT:-18233}; SMTP=${SMTP:-2533}; RATE=${RATE:-3000}; PAIRS=${PAIRS:-4}; DUR=${DUR:-12s}; N=${N:-80000}
mkdir -p "$W"
go build -o "$W/ikrar" ./cmd/ikrar
go build -o "$W/ikrar-load" ./cmd/ikrar-load
cd "$W"
if [ ! -f base/ikrar.db ]; then
	./ikrar-load gen-roster --n "$N" --departments 200 --out roster0.csv >/dev/null
	awk 'NR==1{print $0",email"; next}{printf "%s,p%d@dinas.example.test\n",$0,NR}' roster0.csv >roster.csv
	./ikrar roster import --data base roster.csv | tail -1
	./ikrar links export --allow-localhost --data base --out links.csv
fi
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$SMTP" -c aiosmtpd.handlers.Sink >/dev/null 2>&1 &
SPID=$!
trap 'kill $SPID 2>/dev/null || true' EXIT
sleep 1
cpu() { awk '{printf "%.2f", ($14+$15)/100}' "/proc/$1/stat"; }
run() {
	local label=$1 i=$2 d=$W/run-$2-$1
	rm -rf "$d"
	cp -r base "$d"
	if [ "$label" = B ]; then ./ikrar messages send --data "$d" --kind invitation >/dev/null; fi
	sync
	sleep 1
	./ikrar serve --data "$d" --addr "127.0.0.1:$PORT" --smtp-url "smtp://127.0.0.1:$SMTP?tls=none" --mail-from ikrar@example.test \
		--mail-rate "$RATE" --digest-time off >"$d/serve.out" 2>"$d/serve.log" &
	local pid=$!
	for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
	sleep 2
	local load1 c0 c1
	load1=$(cut -d' ' -f1 /proc/loadavg)
	c0=$(cpu $pid)
	./ikrar-load --url "http://127.0.0.1:$PORT" --links links.csv --concurrency 64 --duration "$DUR" --warmup 3s --progress 0 >"$d/load.out" 2>&1 || true
	c1=$(cpu $pid)
	kill -TERM $pid
	wait $pid 2>/dev/null || true
	local sent
	sent=$(./ikrar messages status --data "$d" 2>/dev/null | awk '/invitation/ {print $4}')
	python3 - "$label" "$i" "$load1" "${sent:-0}" "$c0" "$c1" "$(grep '^RESULT' "$d/load.out" | sed 's/^RESULT //')" <<'PY' | tee -a results.txt
import json, sys
label, i, load, sent, c0, c1, res = sys.argv[1:8]
r = json.loads(res)
cpu = float(c1) - float(c0)
print(f"{label} {i} sig/s {r['signatures_per_s']:.0f} post_p99_ms {r['post']['p99_ms']} post_p50_ms {r['post']['p50_ms']} "
      f"server_cpu_ms_per_sig {cpu * 1000 / max(r['acked'], 1):.2f} sent {sent} load1 {load}")
PY
	rm -rf "$d"
}
: >results.txt
for i in $(seq "$PAIRS"); do run A "$i"; run B "$i"; done
python3 - <<'PY'
import statistics as S
rows = [l.split() for l in open("results.txt")]
for side in "AB":
    p = [float(r[5]) for r in rows if r[0] == side]
    print(f"{side}: POST p99 median {S.median(p):.0f} ms, range {min(p):.0f}-{max(p):.0f} ms, {len(p)} runs")
a = {r[1]: float(r[5]) for r in rows if r[0] == "A"}
ratios = sorted(float(r[5]) / a[r[1]] for r in rows if r[0] == "B" and r[1] in a)
print("B/A p99, same pair: median %.2f, range %.2f-%.2f" % (S.median(ratios), ratios[0], ratios[-1]))
PY

#!/usr/bin/env bash
# Lighthouse scores of the pages people use, for the README (not CI: the
# scores depend on the machine, and Lighthouse is a large download).
#
#   docs/lighthouse.sh [WORKDIR]     # default /tmp/ikrar-lighthouse
#
# Starts `ikrar serve --demo` on a fresh database, signs once (for the
# receipt and verification pages), logs in as the demo head of unit (for
# the dashboard and unit pages) and runs Lighthouse's mobile preset on:
# home, signing page, receipt, verification, dashboard and unit page.
# Needs: Go, Node 18+ with npm, curl, python3, Chromium at /usr/bin/chromium
# (CHROME_PATH to use another). Lighthouse 12.2.3 is installed into
# WORKDIR with npm (13.x wants Node 22).
set -euo pipefail
cd "$(dirname "$0")/.."
W=${1:-/tmp/ikrar-lighthouse}
PORT=${PORT:-18097}
BASE="http://127.0.0.1:$PORT"
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
mkdir -p "$W"
rm -rf "$W/data" "$W/reports" && mkdir -p "$W/reports"

if [ ! -x "$W/node_modules/.bin/lighthouse" ]; then
  npm install --prefix "$W" --no-audit --no-fund --loglevel=error -E lighthouse@12.2.3
fi
go build -o "$W/ikrar" ./cmd/ikrar

"$W/ikrar" serve --demo --addr "127.0.0.1:$PORT" --base-url "$BASE" --data "$W/data" >"$W/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  grep -q "listening" "$W/serve.log" && break
  sleep 0.2
done
grep -q "listening" "$W/serve.log" || { cat "$W/serve.log"; exit 1; }

links=$(grep -oE "$BASE/sign/[A-Za-z0-9_-]+" "$W/serve.log")
sign_page=$(echo "$links" | sed -n 1p)
to_sign=$(echo "$links" | sed -n 2p)
read -r head_user head_pass head_dept < <(sed -nE 's/^\s+head:\s+(\S+) \/ (\S+)\s+\(department (\S+)\).*/\1 \2 \3/p' "$W/serve.log")

# Sign once through the form, as a browser does.
jar="$W/cookies.txt"; rm -f "$jar"
csrf() { grep -oE 'name="_csrf" value="[^"]+"' | head -1 | sed -E 's/.*value="([^"]+)"/\1/'; }
tok=$(curl -s -c "$jar" -b "$jar" "$to_sign" | csrf)
name=$(curl -s -c "$jar" -b "$jar" "$to_sign" | sed -nE 's/.*<dt>Nama<\/dt><dd>([^<,]+).*/\1/p' | head -1)
receipt=$(curl -s -c "$jar" -b "$jar" -X POST "$to_sign?campaign=1" \
  --data-urlencode "_csrf=$tok" -d campaign=1 -d point1=on -d point2=on -d point3=on -d point4=on \
  --data-urlencode "name=$name")
code=$(echo "$receipt" | grep -oE 'IKR-[A-Z0-9-]+' | head -1)
[ -n "$code" ] || { echo "signing failed"; echo "$receipt" | head -40; exit 1; }

# Log in as the head of unit; Lighthouse sends the session cookie.
rm -f "$jar"
tok=$(curl -s -c "$jar" -b "$jar" "$BASE/login" | csrf)
curl -s -c "$jar" -b "$jar" -o /dev/null -X POST "$BASE/login" --data-urlencode "_csrf=$tok" \
  --data-urlencode "username=$head_user" --data-urlencode "password=$head_pass"
# curl marks HttpOnly cookies (the session) with a "#HttpOnly_" prefix.
cookie=$(sed 's/^#HttpOnly_//' "$jar" | awk '!/^#/ && NF>=7 {printf "%s%s=%s", sep, $6, $7; sep="; "}')
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$BASE/dashboard")" = 200 ] || { echo "login as $head_user failed"; exit 1; }
headers=$(printf '{"Cookie":"%s"}' "$cookie")

run() { # name url [extra args]
  local name=$1 url=$2; shift 2
  "$W/node_modules/.bin/lighthouse" "$url" --quiet --output=json --output-path="$W/reports/$name.json" \
    --only-categories=performance,accessibility,best-practices,seo \
    --chrome-flags="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run" "$@"
}
run home "$BASE/"
run signing "$sign_page"
run receipt "$to_sign"
run verify "$BASE/verify/$code"
run dashboard "$BASE/dashboard" --extra-headers="$headers"
run unit "$BASE/dashboard/departments/$head_dept" --extra-headers="$headers"

python3 - "$W/reports" <<'EOF'
import json, os, sys
for name in ["dashboard", "unit"]:
    url = json.load(open(os.path.join(sys.argv[1], name + ".json")))["finalDisplayedUrl"]
    if "/login" in url:
        sys.exit(f"{name}: Lighthouse was sent to the login page ({url})")
d = sys.argv[1]
print("| page | performance | accessibility | best practices | SEO |")
print("| --- | --- | --- | --- | --- |")
for name in ["home", "signing", "receipt", "verify", "dashboard", "unit"]:
    r = json.load(open(os.path.join(d, name + ".json")))
    c = r["categories"]
    s = [round(c[k]["score"] * 100) for k in ["performance", "accessibility", "best-practices", "seo"]]
    print(f"| {name} | {s[0]} | {s[1]} | {s[2]} | {s[3]} |")
    for k in ["accessibility", "best-practices", "seo"]:
        for ref in c[k]["auditRefs"]:
            a = r["audits"][ref["id"]]
            if ref["weight"] and a["score"] is not None and a["score"] < 1:
                print(f"|   ↳ {k}: {ref['id']} ({a['title']}) | | | | |", file=sys.stderr)
EOF

#!/usr/bin/env bash
# Throughput of an authenticated API request that reads one organisation,
# as a ratio to a bare axum hello-world measured in the same run.
#
#   scripts/bench-http.sh            # SQLite
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench scripts/bench-http.sh
#
# Needs wrk (Debian package) and curl. Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${DURATION:-10s}"
cargo build --release -q -p nuanxin
cargo build --release -q -p nuanxin-web --example hello_baseline
data=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$data"' EXIT

db_args=()
if [ -n "${DATABASE_URL:-}" ]; then db_args=(--database-url "$DATABASE_URL"); fi
target/release/nuanxin --data-dir "$data" "${db_args[@]}" --log-level warn serve --listen 127.0.0.1:8090 --demo > "$data/serve.log" 2>&1 &
target/release/examples/hello_baseline 127.0.0.1:8091 > /dev/null &
for _ in $(seq 1 120); do curl -sf http://127.0.0.1:8090/readyz > /dev/null && break; sleep 0.5; done
. scripts/demo-session.sh
demo_session http://127.0.0.1:8090 "$data/serve.log"
org=$(curl -sf -H "authorization: Bearer $token" 'http://127.0.0.1:8090/api/v1/orgs?kind=enterprise&limit=1' \
  | sed -E 's/.*"items":\[\{"id":([0-9]+).*/\1/')
echo "reading /api/v1/orgs/$org as admin"
wrk -t2 -c64 -d"$duration" --latency http://127.0.0.1:8091/hello | tee "$data/hello.txt"
wrk -t2 -c64 -d"$duration" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:8090/api/v1/orgs/$org" | tee "$data/api.txt"
rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
p99() { awk '$1 == "99%" {print $2}' "$1"; }
non2xx=$(awk '/Non-2xx/ {print $NF}' "$data/api.txt")
echo
echo "| endpoint | req/s | p99 |"
echo "|---|---|---|"
echo "| baseline: axum hello-world | $(rps "$data/hello.txt") | $(p99 "$data/hello.txt") |"
echo "| GET /api/v1/orgs/{id}, bearer session | $(rps "$data/api.txt") | $(p99 "$data/api.txt") |"
echo "ratio: $(awk -v a="$(rps "$data/api.txt")" -v b="$(rps "$data/hello.txt")" 'BEGIN {printf "%.2f", a / b}')   non-2xx: ${non2xx:-0}"

#!/usr/bin/env bash
# Membership applications over HTTP with 64 concurrent clients (validation,
# dedup, routing, sealing and audit included), as a ratio to a bare
# one-row-insert endpoint on the same store layer, measured in the same run.
#
#   scripts/bench-join.sh            # SQLite
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/nxbench scripts/bench-join.sh
#
# Needs wrk and curl. Traffic goes to 127.0.0.1 only.
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
union=$(curl -sf -H "authorization: Bearer $token" 'http://127.0.0.1:8090/api/v1/orgs?kind=enterprise&status=founded&limit=1' \
  | sed -E 's/.*"items":\[\{"id":([0-9]+).*/\1/')
join=$(curl -sf -H "authorization: Bearer $token" "http://127.0.0.1:8090/api/v1/orgs/$union/join-link" | sed -E 's/.*"path":"([^"]+)".*/\1/')
echo "applying at $join"
cat > "$data/insert.lua" <<'LUA'
wrk.method = "POST"
wrk.body = "one row"
LUA
wrk -t2 -c64 -d"$duration" --latency -s "$data/insert.lua" http://127.0.0.1:8091/insert | tee "$data/insert.txt"
wrk -t2 -c64 -d"$duration" --latency -s scripts/join-load.lua "http://127.0.0.1:8090$join" | tee "$data/join.txt"
rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
p99() { awk '$1 == "99%" {print $2}' "$1"; }
created=$(curl -sf -H "authorization: Bearer $token" "http://127.0.0.1:8090/api/v1/members?org_id=$union&limit=1" | sed -E 's/.*"total":([0-9]+).*/\1/')
echo
echo "| endpoint | req/s | p99 |"
echo "|---|---|---|"
echo "| baseline: one-row insert | $(rps "$data/insert.txt") | $(p99 "$data/insert.txt") |"
echo "| POST /join/{token} (new application) | $(rps "$data/join.txt") | $(p99 "$data/join.txt") |"
echo "ratio: $(awk -v a="$(rps "$data/join.txt")" -v b="$(rps "$data/insert.txt")" 'BEGIN {printf "%.2f", a / b}')   applications stored at the union: $created"
grep -E 'Non-2xx|Socket errors' "$data/join.txt" || true

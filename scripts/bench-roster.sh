#!/usr/bin/env bash
# Roster import (集中入会) of ROWS rows (default 1,000,000) from .xlsx into
# the demo city on SQLite: rows per second and peak memory, for a check-only
# pass (read, validate, route; the baseline) and for a full import, in
# batches of the default 10,000 rows and of 100,000.
#
#   scripts/bench-roster.sh [ROWS]
#
# Needs GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
cargo build --release -q -p nuanxin
cargo build --release -q -p nuanxin-store --example roster_file
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
target/release/examples/roster_file "$rows" "$work/roster.xlsx"
target/release/nuanxin --data-dir "$work/data" --log-level warn demo > /dev/null
run() {
  /usr/bin/time -f "peak %M KB, %e s wall" \
    target/release/nuanxin --data-dir "$work/data" --log-level error \
    import roster "$work/roster.xlsx" --org 1 --consent --mode "$@" 2>&1
}
echo "check (baseline): $(run check | tr '\n' ' ')"
echo "valid-rows:       $(run valid-rows | tr '\n' ' ')"
rm -rf "$work/data"
target/release/nuanxin --data-dir "$work/data" --log-level warn demo > /dev/null
echo "valid-rows, batches of 100,000: $(run valid-rows --batch-rows 100000 | tr '\n' ' ')"

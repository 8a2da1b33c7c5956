#!/usr/bin/env bash
# The API contract: the OpenAPI document passes a standard validator, and a
# schema-driven fuzzer run against the demo server with an admin's session
# finds no 5xx and no status or content type the document does not list.
#
#   scripts/api-contract.sh
#
# Needs python3 (with venv) and curl; installs openapi-spec-validator and
# schemathesis from PyPI into a virtual environment under target/. Traffic
# goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-18931}"
venv=target/api-contract-venv
# A Python newer than 3.11 when there is one (on PATH or in pyenv): on
# 3.11 the fuzzer crashes in its own generator now and then ("AST
# constructor recursion depth mismatch").
python=python3
for candidate in python3.13 python3.12 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[23]*/bin/python3; do
  if "$candidate" -c 'import venv' 2> /dev/null; then
    python=$candidate
    break
  fi
done
if [ ! -x "$venv/bin/st" ]; then
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -q "openapi-spec-validator==0.7.*" "schemathesis==4.*"
fi
cargo build -q -p nuanxin
data=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$data"' EXIT
"${CARGO_TARGET_DIR:-target}/debug/nuanxin" --data-dir "$data" --log-level warn \
  serve --listen "127.0.0.1:$port" --demo > "$data/serve.log" 2>&1 &
base="http://127.0.0.1:$port"
for _ in $(seq 1 240); do curl -sf "$base/readyz" > /dev/null && break; sleep 0.5; done
if ! curl -sf "$base/readyz" > /dev/null; then
  echo "the demo server did not start:" >&2
  cat "$data/serve.log" >&2
  exit 1
fi

curl -sf "$base/api/openapi.json" > "$data/openapi.json"
"$venv/bin/python" - "$data/openapi.json" <<'EOF'
import sys
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename
doc, _ = read_from_filename(sys.argv[1])
validate(doc)
print(f"{sys.argv[1]}: valid OpenAPI {doc['openapi']}, {len(doc['paths'])} paths")
EOF

. scripts/demo-session.sh
demo_session "$base" "$data/serve.log"

# Operations that end the fuzzer's own session are left out: after them
# every answer would be a 401 and hide the rest.
fuzz() {
  "$venv/bin/st" run "$base/api/openapi.json" \
    -H "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance \
    --max-examples "${MAX_EXAMPLES:-15}" --seed 1 -w 2 \
    --exclude-operation-id delete_session \
    --exclude-operation-id post_session_password \
    --exclude-operation-id post_accounts_by_id_password \
    --exclude-operation-id post_accounts_by_id_disable \
    --warnings off
}
# A run whose only trouble is the fuzzer crashing in its own code (a
# "Runtime Error", not an answer of this server) is tried again, up to
# four runs in all; a failed check fails at once.
log="$data/fuzz.log"
for run in 1 2 3 4; do
  if fuzz 2>&1 | tee "$log"; then
    exit 0
  fi
  if grep -qE '^Failures:|❌' "$log" || ! grep -q 'Runtime Error' "$log"; then
    exit 1
  fi
  echo "run $run: the fuzzer crashed in its own code (above)" >&2
done
exit 1

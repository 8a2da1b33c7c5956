# Sourced by the scripts that drive the demo server: logs in as the demo's
# admin with the one-time password its log printed, chooses a password of
# its own (every demo password must be changed at first login), and sets
# $token to a session for the API.
#
#   demo_session BASE_URL SERVE_LOG
demo_session() {
  local base=$1 log=$2 password login
  password=$(grep -E '^ *admin ' "$log" | awk '{print $2}' | head -1)
  login=$(curl -sf -H 'content-type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$password\"}" "$base/api/v1/session")
  token=$(printf '%s' "$login" | sed -E 's/.*"token":"([^"]+)".*/\1/')
  if printf '%s' "$login" | grep -q '"must_change_password":true'; then
    curl -sf -o /dev/null -H "authorization: Bearer $token" -H 'content-type: application/json' \
      -d "{\"current_password\":\"$password\",\"new_password\":\"Demo-script-2026\"}" \
      "$base/api/v1/session/password"
  fi
}

#!/usr/bin/env bash
# API fuzzing (issue #11): schemathesis, pinned in scripts/requirements-test.txt, against
# docs/openapi.yaml and a throwaway portal-local (embedded store, demo data, fresh data
# folder), three times: anonymous, as member 100001 and as administrator admin01. Every
# check is on (`--checks all`) except where docs/api-fuzzing.md says why not; any
# failure — a 5xx, an undocumented status or body, data the document calls invalid
# accepted or valid refused — exits non-zero. The server is stopped on exit.
#
#   scripts/schemathesis.sh
#
# Env knobs:
#   PORTAL_LOCAL_BIN   the portal-local binary (default target/debug/portal-local; not built here)
#   ST_MAX_EXAMPLES    test cases per operation and phase (default 50)
#   ST_SEED            hypothesis seed (default 1: the same cases on every run)
#   ST_WORKERS         schemathesis workers (default 2)
#   ST_REPORT_DIR      keep schemathesis' JUnit reports there (default: not kept)
#   ST_PYTHON          interpreter for .venv-schemathesis when it is created (default: Python 3.13 or 3.12)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

bin="${PORTAL_LOCAL_BIN:-target/debug/portal-local}"
max_examples="${ST_MAX_EXAMPLES:-50}"
seed="${ST_SEED:-1}"
workers="${ST_WORKERS:-2}"
venv="$root/.venv-schemathesis"

[ -x "$bin" ] || { echo "no portal-local binary at $bin (cargo build -p portal-local, or set PORTAL_LOCAL_BIN)" >&2; exit 1; }

# --- schemathesis, exactly the pinned version, in its own venv ------------------------------------
# Its own venv on Python >= 3.12: on the 3.11.7 of .venv, Hypothesis trips over a CPython bug
# (gh-106905, "AST constructor recursion depth mismatch") and the run errors out.
pin="$(grep -E '^schemathesis==' scripts/requirements-test.txt)"
want="${pin#schemathesis==}"
if [ "$("$venv/bin/schemathesis" --version 2>/dev/null || true)" != "schemathesis, version $want" ]; then
  if [ ! -x "$venv/bin/python" ]; then
    py="${ST_PYTHON:-}"
    if [ -z "$py" ]; then
      for c in "${PYENV_ROOT:-$HOME/.pyenv}/versions/3.13.0/bin/python3.13" "$(command -v python3.13 || true)" "$(command -v python3.12 || true)"; do
        if [ -n "$c" ] && [ -x "$c" ]; then py="$c"; break; fi
      done
    fi
    [ -n "$py" ] || { echo "no Python 3.12+ found for $venv (set ST_PYTHON)" >&2; exit 1; }
    "$py" -m venv "$venv"
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$pin"
fi
st="$venv/bin/schemathesis"

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the portal, on a free loopback port, with a fresh data folder --------------------------------
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
base="http://127.0.0.1:$port"
env -u PORTAL_STORE -u PORTAL_BUCKET -u PORTAL_UPLOAD_ORIGIN -u PORTAL_BEHIND_CLOUDFRONT \
  PORTAL_ADDR="127.0.0.1:$port" PORTAL_BASE_URL="$base" PORTAL_DATA_DIR="$work/data" RUST_LOG=warn \
  "$bin" >"$work/portal.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  if curl -s -o /dev/null "$base/api/applications/options"; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then echo "portal-local exited:" >&2; tail -n 50 "$work/portal.log" >&2; exit 1; fi
  sleep 0.1
done
curl -sf -o /dev/null "$base/api/applications/options" || { echo "portal-local did not answer at $base" >&2; exit 1; }

# --- sessions: both logins first, before the anonymous run's failed logins throttle this address --
login() { # path body cookie-name → the session token
  local jar="$work/jar.$3"
  curl -sf -o /dev/null -c "$jar" -H "Origin: $base" -H 'Content-Type: application/json' -d "$2" "$base$1" \
    || { echo "login at $1 failed" >&2; exit 1; }
  awk -v n="$3" '$6 == n { print $7 }' "$jar"
}
password="demo-Junkanki-2025"
member_token="$(login /api/auth/login "{\"member_no\":\"100001\",\"password\":\"$password\"}" portal_session)"
# Staff log in with password and a TOTP code: the first login enrols the key it shows, whose
# current code (RFC 6238, computed here) finishes the login.
staff_token="$(python3 - "$base" "$password" <<'PY'
import base64, hashlib, hmac, http.cookiejar, json, struct, sys, time, urllib.request
base, password = sys.argv[1], sys.argv[2]
jar = http.cookiejar.CookieJar()
web = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
def post(path, body):
    req = urllib.request.Request(base + path, json.dumps(body).encode(), method="POST",
                                 headers={"Origin": base, "Content-Type": "application/json"})
    return json.load(web.open(req))
step = post("/api/staff/login", {"staff_id": "admin01", "password": password})
key = base64.b32decode(step["enrolment"]["secret"] + "=" * (-len(step["enrolment"]["secret"]) % 8))
mac = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
o = mac[-1] & 0x0F
code = "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)
post("/api/staff/login/second-factor", {"code": code})
print(next(c.value for c in jar if c.name == "portal_staff_session"))
PY
)" || { echo "staff login (password + TOTP) failed" >&2; exit 1; }
if [ -z "$member_token" ] || [ -z "$staff_token" ]; then echo "no session cookie" >&2; exit 1; fi

# --- configuration (reasons in docs/api-fuzzing.md) -----------------------------------------------
cat >"$work/common.toml" <<'EOF'
# Written by scripts/schemathesis.sh; see docs/api-fuzzing.md.

# No state between runs: every run draws from its seed alone (no example database, no cache).
[generation]
database = "none"
[cache]
enabled = false

# Every check (what `--checks all` selects; named here so that the two exceptions per
# operation below can apply: a check named on the command line would override them).
[checks]
enabled = true

# Member routes act on the logged-in member's own number (others are 404 by design); the
# staff queue is read from its start (a drawn cursor is almost always past its end).
[parameters]
"path.member_no" = "100001"
"query.after" = ""
# Second-factor resets go to the reviewer's account, never to the session running the tests.
"path.staff_id" = "staff01"

# The provider's protocol: every notification is answered 200 with "0" (recorded) or
# "1" (not accepted; the provider resends), never a 4xx.
[[operations]]
include-operation-id = "paymentNotify"
checks.negative_data_rejection.enabled = false

# Valid by the schema, yet refused with 400 for what no schema can say: a reset token
# only a mail has, the member's current password and zxcvbn's strength, dates against
# today and the member's 認定期間, unit codes in the stored 所定単位表, the proof kind the
# credit's unit asks for, a file that must first be uploaded.
[[operations]]
include-operation-id = ["confirmPasswordReset", "changePassword", "createApplication", "updateApplication", "createSelfReport", "updateSelfReport", "createUploadTicket", "addProof", "recordSlipPayment"]
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]

# The staff console: valid by the schema, yet refused for what it cannot say — a postal code,
# mail address or date that must parse, a unit form checked as a whole, a code already in the
# table or edited meanwhile (409), an upload size over 10 MB, a year or search term out of
# range, an uploaded file that does not exist, an invoice already paid, a staff id taken or
# one's own account (409), rule numbers out of range or a category the unit table lacks.
[[operations]]
include-operation-id = ["correctMemberContact", "setCollectionMethod", "recordDuesPayment", "addUnit", "editUnit", "attendanceUploadTicket", "attendancePreview", "attendanceImport", "listInvoices", "exportInvoices", "searchMembers", "staffLoginSecondFactor", "memberAuditTrail", "staffHome", "listApplications", "exportApplications", "createStaffAccount", "changeStaffAccount", "reviseRenewalRule", "exportPendingCredits"]
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]
EOF
{ cat "$work/common.toml"; printf '\n[auth.openapi.memberSession]\napi_key = "%s"\n' "$member_token"; } >"$work/member.toml"
{ cat "$work/common.toml"; printf '\n[auth.openapi.staffSession]\napi_key = "%s"\n' "$staff_token"; } >"$work/staff.toml"

# A self-report awaiting decision, with its proof file, so that the staff run's queue, detail,
# download and decision reach a real record (schemathesis cannot upload a file itself). Made after
# the member run, which would otherwise withdraw it.
seed_pending() {
  local earned_on credit_no ticket
  earned_on="$(date -u -d '-30 days' +%F)"
  credit_no="$(api POST /api/members/100001/credits \
    "{\"unit_code\":\"RM-ATT\",\"title\":\"地方会\",\"earned_on\":\"$earned_on\"}" | field credit_no)"
  printf '%%PDF-1.4\n%%%%EOF\n' >"$work/proof.pdf"
  ticket="$(api POST "/api/members/100001/credits/$credit_no/uploads" \
    "{\"kind\":\"name_card\",\"file_name\":\"namecard.pdf\",\"content_type\":\"application/pdf\",\"size\":$(wc -c <"$work/proof.pdf")}")"
  curl -sf -o /dev/null -X PUT -H 'Content-Type: application/pdf' --data-binary "@$work/proof.pdf" "$(field url <<<"$ticket")" \
    || { echo "seeding: upload failed" >&2; exit 1; }
  api POST "/api/members/100001/credits/$credit_no/proofs" \
    "{\"key\":\"$(field key <<<"$ticket")\",\"kind\":\"name_card\",\"file_name\":\"namecard.pdf\",\"content_type\":\"application/pdf\"}" >/dev/null
  api POST "/api/members/100001/credits/$credit_no/request-approval" '{"comment":""}' >/dev/null
}
api() { # method path body → the answer's body; fails on a non-2xx
  curl -sf -X "$1" -H "Cookie: portal_session=$member_token" -H "Origin: $base" -H 'Content-Type: application/json' \
    -d "$3" "$base$2" || { echo "seeding: $1 $2 failed" >&2; exit 1; }
}
field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

failed=()
run() { # name config
  local name="$1" config="$2" report=()
  if [ -n "${ST_REPORT_DIR:-}" ]; then
    mkdir -p "$ST_REPORT_DIR"
    report=(--report junit --report-junit-path "$ST_REPORT_DIR/schemathesis-$name.xml")
  fi
  printf '\n==> schemathesis: %s\n' "$name"
  local t0=$SECONDS
  if ! HYPOTHESIS_STORAGE_DIRECTORY="$work/hypothesis" "$st" --config-file "$config" --no-color run docs/openapi.yaml \
    --url "$base" --header "Origin: $base" \
    --max-examples "$max_examples" --seed "$seed" --workers "$workers" \
    --request-timeout 10 "${report[@]}"; then
    failed+=("$name")
  fi
  echo "(${name}: $((SECONDS - t0)) s)"
}
still_logged_in() { # path cookie token
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $2=$3" "$base$1")" = 200 ] \
    || { echo "the $2 session ended during the runs: their results say little" >&2; failed+=("session:$2"); }
}

run anonymous "$work/common.toml"
run member "$work/member.toml"
still_logged_in /api/auth/session portal_session "$member_token"
seed_pending
run staff "$work/staff.toml"
still_logged_in /api/staff/session portal_staff_session "$staff_token"

if grep -q '"level":"ERROR"' "$work/portal.log"; then
  echo "portal-local logged errors:" >&2
  grep '"level":"ERROR"' "$work/portal.log" | tail -n 20 >&2
  failed+=("server-errors")
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "schemathesis: failed: ${failed[*]}" >&2
  exit 1
fi
echo "schemathesis: all runs passed"

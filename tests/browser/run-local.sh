#!/usr/bin/env bash
# Runs the browser tests against a fresh portal-local (already built: this script never
# runs cargo). Usage, from the repository root:
#   tests/browser/run-local.sh            # uses target/debug/portal-local, port 3999
#   PORTAL_BIN=... PORT=4000 tests/browser/run-local.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${PORTAL_BIN:-$root/target/debug/portal-local}"
port="${PORT:-3999}"
[ -x "$bin" ] || { echo "portal-local not found at $bin (build it first)" >&2; exit 2; }

data="$(mktemp -d)"
log="$data/portal-local.log"
PORTAL_ADDR="127.0.0.1:$port" PORTAL_DATA_DIR="$data" "$bin" >"$log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT

for _ in $(seq 1 100); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$port/index.html" 2>/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then echo "portal-local exited:" >&2; cat "$log" >&2; exit 2; fi
  sleep 0.1
done

cd "$here"
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund
status=0
PORTAL_URL="http://127.0.0.1:$port" npm test || status=$?
if [ "$status" -ne 0 ]; then echo "--- portal-local log (last 50 lines) ---" >&2; tail -n 50 "$log" >&2; fi
exit "$status"

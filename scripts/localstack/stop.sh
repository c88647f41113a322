#!/usr/bin/env bash
# Stop a LocalStack started by start.sh:  stop.sh STATE_DIR [--keep]
# SIGTERM (LocalStack shuts its services down, ~2-3 s), SIGKILL after 10 s (the hypercorn server
# sometimes never leaves its event loop; the state is throwaway anyway), then removes STATE_DIR
# unless --keep is given.
set -uo pipefail
state="${1:?usage: stop.sh STATE_DIR [--keep]}"
pid="$(cat "$state/localstack.pid" 2>/dev/null || true)"
if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "[localstack] pid $pid still alive after 10 s; SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
fi
[[ "${2:-}" == "--keep" ]] || rm -rf "$state"

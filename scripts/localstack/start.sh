#!/usr/bin/env bash
# Start LocalStack's S3 emulator without Docker, bound to 127.0.0.1, with real SigV4 checks.
#
#   start.sh VENV_DIR [PORT] [STATE_DIR]
#     VENV_DIR   venv to create/use, e.g. .venv-localstack (created with Python 3.13 if missing)
#     PORT       port on 127.0.0.1; empty or 0 = pick a free one
#     STATE_DIR  where LocalStack's filesystem, logs and pid go; default: a fresh mktemp -d
#
# On success prints (stdout, shell-eval-able), e.g.
#   LOCALSTACK_PID=12345
#   LOCALSTACK_PORT=4566
#   LOCALSTACK_ENDPOINT=http://127.0.0.1:4566
#   LOCALSTACK_DIR=/tmp/localstack.AbC123
# so:   eval "$(start.sh .venv-localstack)"   …   stop.sh "$LOCALSTACK_DIR"
# Progress/diagnostics go to stderr. Log: $LOCALSTACK_DIR/localstack.log
#
# Env knobs: LOCALSTACK_PYTHON (interpreter for the venv; default pyenv 3.13.0),
#            LOCALSTACK_GATEWAY_SERVER:
#              twisted   (default) LocalStack's default server, run through ls_main.py, which makes it
#                        honour the 127.0.0.1 of GATEWAY_LISTEN (plain `-m localstack.runtime.main`
#                        binds 0.0.0.0 with twisted); shuts down cleanly on SIGTERM in ~2-3 s
#              hypercorn plain `python -m localstack.runtime.main` + GATEWAY_SERVER=hypercorn: binds
#                        127.0.0.1 by itself, but ~1 in 4-5 SIGTERMs hangs (stop.sh then SIGKILLs)
#            LOCALSTACK_READY_TIMEOUT (s, default 60)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${1:?usage: start.sh VENV_DIR [PORT] [STATE_DIR]}"
case "$venv" in /*) ;; *) venv="$PWD/$venv" ;; esac
port="${2:-0}"
state="${3:-}"
timeout="${LOCALSTACK_READY_TIMEOUT:-60}"
server="${LOCALSTACK_GATEWAY_SERVER:-twisted}"
log() { echo "[localstack] $*" >&2; }

# --- 1. venv + pinned install (only when missing or requirements changed) -------------------------
py="${LOCALSTACK_PYTHON:-}"
if [[ -z "$py" ]]; then
  for c in "${PYENV_ROOT:-$HOME/.pyenv}/versions/3.13.0/bin/python3.13" "$(command -v python3.13 || true)"; do
    [[ -n "$c" && -x "$c" ]] && { py="$c"; break; }
  done
fi
req="$here/requirements.txt"
stamp="$venv/.localstack-requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [[ ! -x "$venv/bin/python" || "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
  [[ -n "$py" ]] || { log "no Python 3.13 found (set LOCALSTACK_PYTHON)"; exit 1; }
  if [[ ! -x "$venv/bin/python" ]]; then
    log "creating venv $venv with $py"
    "$py" -m venv "$venv"
  fi
  log "installing pinned packages from $req"
  t0=$(date +%s)
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" >&2
  echo "$want" > "$stamp"
  log "install took $(( $(date +%s) - t0 ))s"
fi

# --- 2. port + state dir ---------------------------------------------------------------------------
if [[ -z "$port" || "$port" == 0 ]]; then
  port="$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
elif ! "$venv/bin/python" -c 'import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1",int(sys.argv[1])))' "$port" 2>/dev/null; then
  # otherwise the readiness poll below could be answered by whatever already listens there
  log "port $port on 127.0.0.1 is in use"; exit 1
fi
if [[ -z "$state" ]]; then state="$(mktemp -d "${TMPDIR:-/tmp}/localstack.XXXXXX")"; fi
mkdir -p "$state/fs/var/lib/localstack/cache" "$state/tmp"
state="$(cd "$state" && pwd)"
# The service catalog cache (~7 s and ~350 MB extra RSS to build) is kept next to the venv and
# copied into each fresh state dir.
cache="$venv/.localstack-cache"
if compgen -G "$cache/service-catalog-*.dill" >/dev/null; then
  cp "$cache"/service-catalog-*.dill "$state/fs/var/lib/localstack/cache/"
fi

# --- 3. start ------------------------------------------------------------------------------------
case "$server" in
  twisted) entry=("$here/ls_main.py") ;;
  hypercorn) entry=(-m localstack.runtime.main) ;;
  *) log "LOCALSTACK_GATEWAY_SERVER must be twisted or hypercorn"; exit 1 ;;
esac
t0=$(date +%s.%N)
(
  cd "$state"
  exec env \
    SERVICES=s3 \
    S3_SKIP_SIGNATURE_VALIDATION=0 \
    GATEWAY_LISTEN="127.0.0.1:$port" \
    GATEWAY_SERVER="$server" \
    LOCALSTACK_HOST="127.0.0.1:$port" \
    OVERRIDE_IN_DOCKER=0 \
    FILESYSTEM_ROOT="$state/fs" \
    TMPDIR="$state/tmp" \
    DNS_ADDRESS=0 \
    SKIP_SSL_CERT_DOWNLOAD=1 \
    DISABLE_EVENTS=1 \
    EAGER_SERVICE_LOADING=1 \
    "$venv/bin/python" "${entry[@]}"
) </dev/null >"$state/localstack.log" 2>&1 &
pid=$!
echo "$pid" > "$state/localstack.pid"
echo "$port" > "$state/localstack.port"

# --- 4. wait until ready: /_localstack/init/ready -> {"completed": true}, and s3 "running" in health
url="http://127.0.0.1:$port"
deadline=$(( $(date +%s) + timeout ))
until curl -sf --max-time 2 "$url/_localstack/init/ready" 2>/dev/null | grep -q '"completed": *true' &&
      curl -sf --max-time 2 "$url/_localstack/health" 2>/dev/null | grep -q '"s3": *"running"'; do
  if ! kill -0 "$pid" 2>/dev/null; then
    log "LocalStack exited during startup; log follows"; cat "$state/localstack.log" >&2; exit 1
  fi
  if (( $(date +%s) > deadline )); then
    log "not ready after ${timeout}s; stopping it; log: $state/localstack.log"
    kill -TERM "$pid" 2>/dev/null || true; exit 1
  fi
  sleep 0.2
done
log "ready in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s, pid $pid, rss $(awk '/VmRSS/{print int($2/1024)" MiB"}' /proc/$pid/status)"

# refuse to run on anything but loopback (port in hex in /proc/net/tcp: local 0100007F = 127.0.0.1)
hexport=$(printf '%04X' "$port")
if grep -qE "^ *[0-9]+: 00000000:$hexport 00000000:0000 0A" /proc/net/tcp; then
  log "LocalStack listens on 0.0.0.0:$port, not 127.0.0.1 — stopping it"
  kill -TERM "$pid" 2>/dev/null || true; exit 1
fi

# keep the catalog cache for the next start
if ! compgen -G "$cache/service-catalog-*.dill" >/dev/null; then
  mkdir -p "$cache" && cp "$state"/fs/var/lib/localstack/cache/service-catalog-*.dill "$cache/" 2>/dev/null || true
fi

echo "LOCALSTACK_PID=$pid"
echo "LOCALSTACK_PORT=$port"
echo "LOCALSTACK_ENDPOINT=$url"
echo "LOCALSTACK_DIR=$state"

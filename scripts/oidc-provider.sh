#!/usr/bin/env bash
# The local OpenID Connect provider for tests and development (issue 14, ADR 0007 §10):
# oidc-provider-mock in its OWN virtual environment, var/oidc-venv, never in .venv. It needs
# PyPI `requests`-free Flask + Authlib + uvicorn, but whatever it pulls in stays out of the
# app's environment: our requests/ app shadows PyPI `requests` there.
#
#   scripts/oidc-provider.sh build        # make var/oidc-venv once (hash-locked pins)
#   scripts/oidc-provider.sh [PORT]       # build if needed, then serve on 127.0.0.1:PORT (9400)
#
# Users' claims (groups, amr, acr, email, email_verified) are set with PUT /users/{sub};
# tests/oidc/provider.py does that for the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${TOOLKID_OIDC_VENV:-var/oidc-venv}
LOCK=tests/oidc/provider-requirements.txt
PYTHON=${PYTHON:-python3.11}

build() {
  # Rebuilt when the lock changed since the last build (the stamp holds the lock's checksum).
  local sum
  sum=$(sha256sum "$LOCK" | cut -d' ' -f1)
  if [[ -x "$VENV/bin/oidc-provider-mock" && "$(cat "$VENV/.lock-sha256" 2>/dev/null)" == "$sum" ]]; then
    return 0
  fi
  echo "oidc: $VENV bouwen uit $LOCK" >&2
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --require-hashes --no-deps -r "$LOCK"
  echo "$sum" >"$VENV/.lock-sha256"
}

case "${1:-}" in
  build)
    build
    ;;
  *)
    build
    PORT=${1:-9400}
    exec "$VENV/bin/oidc-provider-mock" --host 127.0.0.1 --port "$PORT" "${@:2}"
    ;;
esac

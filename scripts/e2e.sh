#!/usr/bin/env bash
# `make e2e`: end-to-end tests in a real browser (tests/e2e/). The Makefile has already made
# .venv and compiled the translations. This script brings the rest, only when missing:
#   - Debian's chromium at /usr/bin/chromium (Playwright's own browser download is not used);
#   - axe-core in node_modules/ (`npm ci`, pinned by package-lock.json);
#   - the test OpenID provider in var/oidc-venv (scripts/oidc-provider.sh build);
# then runs only the tests in tests/e2e, headless, against the app started by the fixtures.
# Extra pytest arguments: PYTEST_ARGS (e.g. PYTEST_ARGS="-k outsider").
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  echo "e2e: apt-get update && apt-get install -y $*"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
}

if [[ ! -x /usr/bin/chromium ]]; then
  echo "e2e: /usr/bin/chromium ontbreekt: Debian's chromium wordt geïnstalleerd."
  apt_install chromium
fi
echo "e2e: browser: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"

if [[ ! -f node_modules/axe-core/axe.min.js ]]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "e2e: npm ontbreekt: Debian's nodejs en npm worden geïnstalleerd."
    apt_install nodejs npm
  fi
  echo "e2e: npm ci (axe-core, vastgelegd in package-lock.json)"
  npm ci --no-audit --no-fund
fi
echo "e2e: axe-core $(node -p "require('./node_modules/axe-core/package.json').version" 2>/dev/null || echo '?')"

# The organisation's identity provider for the SSO scenario (tests/e2e/test_oidc_login.py): its
# own virtual environment var/oidc-venv, built once from the hash-locked
# tests/oidc/provider-requirements.txt (never in .venv: see scripts/oidc-provider.sh).
scripts/oidc-provider.sh build

start=$(date +%s)
set +e
# shellcheck disable=SC2086 # PYTEST_ARGS is a list of words on purpose
TOOLKID_E2E=1 .venv/bin/python -m pytest tests/e2e -m e2e --durations=5 ${PYTEST_ARGS:-}
status=$?
set -e
echo "e2e: $(( $(date +%s) - start )) s (screenshots and axe-report.json in tests/e2e/artifacts/)"
exit $status

#!/usr/bin/env bash
# Serves the app with its background worker and scheduler on the embedded default (SQLite,
# filesystem broker) unless DATABASE_URL / CELERY_BROKER_URL say otherwise. A process that
# stops (a worker that gave up on Redis, a crash) is started again after a short pause, with
# one line on the console and in its log (scripts/supervise.sh). Ctrl-C stops all.
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-8000}
py=.venv/bin/python
celery=.venv/bin/celery
var=${TOOLKID_VAR_DIR:-var}
mkdir -p "$var/log"
: >"$var/log/worker.log"
: >"$var/log/beat.log"
# shellcheck source=scripts/supervise.sh
. "$(dirname "$0")/supervise.sh"

pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

supervise worker "$var/log/worker.log" \
  "$celery" -A toolkid worker --loglevel=INFO --concurrency=1 --pool=solo &
pids+=($!)
supervise beat "$var/log/beat.log" \
  "$celery" -A toolkid beat --loglevel=INFO --schedule "$var/celerybeat-schedule" &
pids+=($!)

cat <<MSG

  toolKID draait op http://$host:$port/
  Achtergrondverwerking: worker en beat (logboek in $var/log/).
  Stopt een van beide (of de webserver), dan start hij na ${TOOLKID_RESTART_PAUSE:-2} s opnieuw.
  Inloggen: zie de demo-gebruikers hierboven (wachtwoord en TOTP-code).
  Een actuele code voor een demo-gebruiker: .venv/bin/python manage.py demo_code <gebruikersnaam>
  Stoppen: Ctrl-C.

MSG
supervise webserver - "$py" manage.py runserver "$host:$port" --noreload &
pids+=($!)
# The supervisors never end by themselves; this waits until Ctrl-C (or SIGTERM).
wait

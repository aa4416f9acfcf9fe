#!/usr/bin/env bash
# Serves the app with its background worker and scheduler on the embedded default (SQLite,
# filesystem broker) unless DATABASE_URL / CELERY_BROKER_URL say otherwise. Ctrl-C stops all.
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-8000}
py=.venv/bin/python
celery=.venv/bin/celery
var=${TOOLKID_VAR_DIR:-var}
mkdir -p "$var/log"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

"$celery" -A toolkid worker --loglevel=INFO --concurrency=1 --pool=solo >"$var/log/worker.log" 2>&1 &
pids+=($!)
"$celery" -A toolkid beat --loglevel=INFO --schedule "$var/celerybeat-schedule" >"$var/log/beat.log" 2>&1 &
pids+=($!)

cat <<MSG

  toolKID draait op http://$host:$port/
  Achtergrondverwerking: worker en beat (logboek in $var/log/).
  Inloggen: zie de demo-gebruikers hierboven (wachtwoord en TOTP-code).
  Een actuele code voor een demo-gebruiker: .venv/bin/python manage.py demo_code <gebruikersnaam>
  Stoppen: Ctrl-C.

MSG
"$py" manage.py runserver "$host:$port" --noreload &
pids+=($!)
wait -n "${pids[@]}"

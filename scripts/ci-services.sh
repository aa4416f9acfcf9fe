#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis answer on 127.0.0.1 for the CI run (.ci/run), starting
# whichever is down, and waits until both do. Exits non-zero, loudly, if either can't be
# reached. Safe to run again: a service that already answers is left alone.
#
#   PostgreSQL: 127.0.0.1:5432, trust auth, user postgres
#   Redis:      127.0.0.1:6379
set -euo pipefail

timeout_seconds=${CI_SERVICES_TIMEOUT:-30}

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 >/dev/null 2>&1; }
redis_up() { [[ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" == "PONG" ]]; }

fail() {
  echo >&2
  echo "ci-services: FOUT: $*" >&2
  echo >&2
  exit 1
}

for tool in pg_isready redis-cli; do
  command -v "$tool" >/dev/null 2>&1 || fail "'$tool' ontbreekt; PostgreSQL- en Redis-clients zijn nodig voor de CI-run."
done

start_postgres() {
  command -v pg_ctlcluster >/dev/null 2>&1 || fail "PostgreSQL antwoordt niet op 127.0.0.1:5432 en pg_ctlcluster ontbreekt om hem te starten."
  local version
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  [[ -n "$version" ]] || fail "PostgreSQL antwoordt niet op 127.0.0.1:5432 en er is geen cluster in /etc/postgresql."
  echo "ci-services: PostgreSQL $version starten..."
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
}

start_redis() {
  command -v redis-server >/dev/null 2>&1 || fail "Redis antwoordt niet op 127.0.0.1:6379 en redis-server ontbreekt om hem te starten."
  echo "ci-services: Redis starten..."
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
}

pg_up || start_postgres
redis_up || start_redis

deadline=$((SECONDS + timeout_seconds))
until pg_up && redis_up; do
  if ((SECONDS >= deadline)); then
    pg_up || fail "PostgreSQL antwoordt na ${timeout_seconds}s nog niet op 127.0.0.1:5432 (pg_isready -h 127.0.0.1). Zie de logboeken in /var/log/postgresql/."
    redis_up || fail "Redis antwoordt na ${timeout_seconds}s nog niet op 127.0.0.1:6379 (redis-cli -h 127.0.0.1 ping). Zie /var/log/redis/ci.log."
  fi
  sleep 0.5
done
echo "ci-services: PostgreSQL en Redis bereikbaar."

#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and an empty documents
# folder, then check the audit chain. docs/operations.md says when and how.
#
#   DATABASE_URL=postgres://user@host:5432/toolkid_restored TOOLKID_DOCUMENTS_DIR=/data/documents \
#     bash scripts/restore.sh /backups/toolkid-20261202T220000Z
#
# Refuses a database that already has tables (nothing is overwritten by accident) and a
# backup whose checksums do not match. Ends with `manage.py audit_verify` (exit 1 if broken).
set -euo pipefail
cd "$(dirname "$0")/.."

source="${1:?usage: restore.sh <backup folder>}"
: "${DATABASE_URL:?DATABASE_URL is not set}"
: "${TOOLKID_DOCUMENTS_DIR:?TOOLKID_DOCUMENTS_DIR is not set}"
python="${PYTHON:-.venv/bin/python}"

(cd "$source" && sha256sum --check --quiet SHA256SUMS)
tables="$(psql "$DATABASE_URL" -Atc "select count(*) from information_schema.tables where table_schema = 'public'")"
if [[ "$tables" != "0" ]]; then
  echo "restore: the database is not empty ($tables tables); restore into a new one." >&2
  exit 2
fi
mkdir -p "$TOOLKID_DOCUMENTS_DIR"
if [[ -n "$(ls -A "$TOOLKID_DOCUMENTS_DIR")" ]]; then
  echo "restore: $TOOLKID_DOCUMENTS_DIR is not empty." >&2
  exit 2
fi

pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$source/database.dump"
tar --extract --gzip --file="$source/documents.tar.gz" --directory="$TOOLKID_DOCUMENTS_DIR"
"$python" manage.py audit_verify

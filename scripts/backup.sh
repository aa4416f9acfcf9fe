#!/usr/bin/env bash
# Back up toolKID: the PostgreSQL database (pg_dump, custom format: every table, the audit
# chain, the append-only trigger) and the documents folder (uploaded consent declarations),
# together, into one new folder. docs/operations.md says when and how; restore with
# scripts/restore.sh.
#
#   DATABASE_URL=postgres://user@host:5432/toolkid TOOLKID_DOCUMENTS_DIR=/data/documents \
#     bash scripts/backup.sh /backups
#
# Prints the folder it wrote. The database is dumped first, then the documents: a document
# uploaded in between has no row in the dump and is harmless; a row without its document
# cannot happen, since a declaration's file is written before its row commits.
set -euo pipefail

target_root="${1:?usage: backup.sh <folder for backups>}"
: "${DATABASE_URL:?DATABASE_URL is not set}"
: "${TOOLKID_DOCUMENTS_DIR:?TOOLKID_DOCUMENTS_DIR is not set}"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="${target_root%/}/toolkid-${stamp}"
mkdir -p "$target"
umask 077  # personal data: readable by the backup user only

pg_dump --format=custom --no-owner --no-privileges --file="$target/database.dump" "$DATABASE_URL"
tar --create --gzip --file="$target/documents.tar.gz" --directory="$TOOLKID_DOCUMENTS_DIR" .
(cd "$target" && sha256sum database.dump documents.tar.gz > SHA256SUMS)
echo "$target"

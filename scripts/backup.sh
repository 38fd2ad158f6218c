#!/usr/bin/env bash
# Backs up the database and the uploaded files into a new directory.
#   scripts/backup.sh DIR
# DIR gets database.dump (pg_dump's custom format), media.tar.gz (CLIC_MEDIA_ROOT) and
# migrations.txt (the schema the dump has, which scripts/restore.sh checks). Reads
# DATABASE_URL and CLIC_MEDIA_ROOT (default var/media), as the service does.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: scripts/backup.sh DIR}
database=${DATABASE_URL:?set DATABASE_URL}
media=${CLIC_MEDIA_ROOT:-var/media}

mkdir -p "$out"
[ -z "$(ls -A "$out")" ] || { echo "Backup not made: $out is not empty." >&2; exit 1; }
psql "$database" -v ON_ERROR_STOP=1 -Atc \
  "SELECT app || '.' || name FROM django_migrations ORDER BY 1" >"$out/migrations.txt"
pg_dump --format=custom --no-owner --no-privileges --file="$out/database.dump" "$database"
mkdir -p "$media"
tar -czf "$out/media.tar.gz" -C "$media" .
echo "Backed up to $out: database ($(wc -l <"$out/migrations.txt") migrations applied) and $(find "$media" -type f | wc -l) uploaded files."

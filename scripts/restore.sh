#!/usr/bin/env bash
# Restores a backup of scripts/backup.sh: the database (its tables replaced) and the
# uploaded files (CLIC_MEDIA_ROOT emptied first). Stop web, worker and beat before.
#   scripts/restore.sh DIR
# Refuses a database whose schema is newer than the backup's (migrations the backup has
# not): the code that wrote them would not find its tables as it left them. Restore into
# an empty database, or one at the backup's version or older, then run `manage.py migrate`.
set -euo pipefail
cd "$(dirname "$0")/.."
from=${1:?usage: scripts/restore.sh DIR}
database=${DATABASE_URL:?set DATABASE_URL}
media=${CLIC_MEDIA_ROOT:-var/media}
for file in database.dump media.tar.gz migrations.txt; do
  [ -f "$from/$file" ] || { echo "Restore refused: $from/$file is missing." >&2; exit 1; }
done

applied=$(psql "$database" -v ON_ERROR_STOP=1 -Atc \
  "SELECT app || '.' || name FROM django_migrations ORDER BY 1" 2>/dev/null || true)
newer=$(comm -23 <(printf '%s\n' "$applied" | sed '/^$/d' | sort) <(sort "$from/migrations.txt"))
if [ -n "$newer" ]; then
  echo "Restore refused: the database has a newer schema than the backup (migrations" \
       "$(echo "$newer" | tr '\n' ' ')not in it). Restore into an empty database." >&2
  exit 1
fi

pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error \
  --single-transaction --dbname="$database" "$from/database.dump"
mkdir -p "$media"
find "$media" -mindepth 1 -delete
tar -xzf "$from/media.tar.gz" -C "$media"
echo "Restored $from: database ($(wc -l <"$from/migrations.txt") migrations) and $(find "$media" -type f | wc -l) uploaded files. Next: manage.py migrate."

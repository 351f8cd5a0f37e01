#!/usr/bin/env bash
# Restore a dump made by backup.sh into the (empty or existing) database of DATABASE_URL.
# Existing objects are dropped first (--clean), so the result is exactly the dump.
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL=postgres://user@host:5432/name}"
file="${1:?usage: restore.sh FILE}"
[ -f "$file" ] || { echo "no such dump: $file" >&2; exit 2; }
pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$DATABASE_URL" "$file"
echo "restored $file"

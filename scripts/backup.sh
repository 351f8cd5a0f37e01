#!/usr/bin/env bash
# Dump the PostgreSQL database of DATABASE_URL into a custom-format file (default: backups/<date>.dump).
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL=postgres://user@host:5432/name}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "backup needs a PostgreSQL DATABASE_URL" >&2; exit 2;; esac
file="${1:-backups/tradewatch-$(date -u +%Y%m%dT%H%M%SZ).dump}"
mkdir -p "$(dirname "$file")"
pg_dump --format=custom --no-owner --no-privileges --file="$file" "$DATABASE_URL"
echo "$file"

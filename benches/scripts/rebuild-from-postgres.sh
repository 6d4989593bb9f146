#!/usr/bin/env bash
# Rebuild throughput from CKAN's PostgreSQL at any size (issue 6/7 measurement):
# generate N datasets, convert them to CKAN 2.12's tables, COPY them into a fresh
# database, then time a full rebuild from it.
#   benches/scripts/rebuild-from-postgres.sh 1000000 [WORKDIR]
set -euo pipefail
N=${1:-100000}
W=${2:-/tmp/ckan-search-bench}
DB=ckan_bench_$N
cd "$(dirname "$0")/../.."
cargo build --release -p ckan-search-server -p ckan-search-data --bins 2>&1 | tail -1
B=$PWD/target/release
mkdir -p "$W"
[ -f "$W/$N.jsonl" ] || "$B/ckan-search" generate --datasets "$N" --seed 7 -o "$W/$N.jsonl"
rm -rf "$W/tables$N" && /usr/bin/time -v "$B/ckan-tables" "$W/$N.jsonl" "$W/tables$N" 2> "$W/tables$N.time"
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB"
start=$(date +%s)
psql -h 127.0.0.1 -U postgres -d "$DB" -q -f tests/sql/ckan-2.12.sql -f "$W/tables$N/load.sql"
echo "load: $(( $(date +%s) - start )) s"
rm -rf "$W/data$N"
/usr/bin/time -v "$B/ckan-search" search-index rebuild --data-dir "$W/data$N" \
    --source "postgres://postgres@127.0.0.1:5432/$DB" 2> "$W/rebuild$N.time" | tail -2
grep -E "Maximum resident|Elapsed" "$W/rebuild$N.time"

#!/bin/bash
# A/B of two engage binaries on the same data, interleaved: import into a fresh SQLite file
# (or a fresh schema of a PostgreSQL database), then the social report for a month and a
# year; the reports of both must be identical byte for byte.
#
#   bench/ab.sh OLD_BINARY NEW_BINARY DATA_DIR [REPEATS] [postgres://…?sslmode=disable]
#
# DATA_DIR holds contract CSVs (e.g. accounts, account_daily and posts of
# shared/bench/gen_data.py 1000 DIR --contract-names). Prints one line per timed command.
set -euo pipefail
OLD=$1 NEW=$2 DATA=$3 REPEATS=${4:-3} PG=${5:-}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
now() { date +%s.%N; }
target() {  # $1: OLD or NEW
  if [ -n "$PG" ]; then echo "$PG&schema=ab_$(echo "$1" | tr A-Z a-z)"; else echo "$WORK/$1.sqlite"; fi
}
for i in $(seq "$REPEATS"); do
  for v in OLD NEW; do
    b=${!v} t=$(target $v)
    if [ -n "$PG" ]; then psql "${PG%%\?*}" -q -c "DROP SCHEMA IF EXISTS ab_$(echo $v | tr A-Z a-z) CASCADE" >/dev/null; else rm -f "$t"*; fi
    s=$(now); "$b" import "$DATA" --db "$t" > "$WORK/$v.log" 2>&1; e=$(now)
    echo "$v import $(echo "$e - $s" | bc) s; $(grep posts.csv "$WORK/$v.log" || true)"
  done
done
for i in $(seq "$REPEATS"); do
  for v in OLD NEW; do
    b=${!v} t=$(target $v)
    for p in "2025-03-01 2025-03-31" "2025-01-01 2025-12-31"; do
      set -- $p
      s=$(now); "$b" report social --db "$t" --from "$1" --to "$2" --format json > "$WORK/$v-$1.json"; e=$(now)
      echo "$v report $1..$2 $(echo "$e - $s" | bc) s"
    done
  done
done
cmp "$WORK/OLD-2025-03-01.json" "$WORK/NEW-2025-03-01.json" && cmp "$WORK/OLD-2025-01-01.json" "$WORK/NEW-2025-01-01.json" && echo "reports identical"

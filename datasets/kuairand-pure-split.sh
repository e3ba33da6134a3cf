#!/bin/sh
# Splits ../shared/datasets/kuairand-pure's log by day into the train (2022-04-25 .. 05-02) and validation (05-03 .. 05-04)
# files that benchmarks/README.md measures on: the log's own fields (user_id, video_id, tab, hourmin) and three tasks
# (is_click, long_view, is_like); the outcome columns are left out. Writes OUT/train.csv and OUT/valid.csv.
# Usage: datasets/kuairand-pure-split.sh [LOG] OUT
set -eu
if [ $# -eq 1 ]; then log=../shared/datasets/kuairand-pure/log_standard_pure_20220425_20220504.csv; out=$1; else log=$1; out=$2; fi
[ -f "$log" ] || { echo "error: $log not found (it is in ../shared/datasets/kuairand-pure)" >&2; exit 1; }
mkdir -p "$out"
[ ! -e "$out/train.csv" ] && [ ! -e "$out/valid.csv" ] || { echo "error: $out/train.csv or $out/valid.csv exists; choose an empty folder" >&2; exit 1; }
header="user_id,video_id,tab,hourmin,is_click,long_view,is_like"
tr -d '\r' < "$log" | awk -F, -v header="$header" -v train="$out/train.csv" -v valid="$out/valid.csv" '
  NR == 1 { print header > train; print header > valid; next }
  { row = $1 "," $2 "," $19 "," $4 "," $6 "," $12 "," $7; if ($3 <= 20220502) print row > train; else print row > valid }'
echo "wrote $out/train.csv and $out/valid.csv"

#!/bin/sh
# Splits ../shared/datasets/kuairand-pure's log by day into the train (2022-04-25 .. 05-02) and validation (05-03 .. 05-04)
# logs that benchmarks/README.md measures on, with every log column, and links the user and video tables beside them, so
# that `--format KuaiRand` joins them: OUT/train.csv, OUT/valid.csv, OUT/user_features_pure.csv, OUT/video_features_basic_pure.csv.
# Usage: datasets/kuairand-pure-split.sh [LOG] OUT
set -eu
if [ $# -eq 1 ]; then log=../shared/datasets/kuairand-pure/log_standard_pure_20220425_20220504.csv; out=$1; else log=$1; out=$2; fi
[ -f "$log" ] || { echo "error: $log not found (it is in ../shared/datasets/kuairand-pure)" >&2; exit 1; }
tables=$(cd "$(dirname "$log")" && pwd)
for table in user_features_pure.csv video_features_basic_pure.csv; do
  [ -f "$tables/$table" ] || { echo "error: $tables/$table not found; the log's user and video tables must be beside it" >&2; exit 1; }
done
mkdir -p "$out"
for file in train.csv valid.csv user_features_pure.csv video_features_basic_pure.csv; do
  [ ! -e "$out/$file" ] || { echo "error: $out/$file exists; choose an empty folder" >&2; exit 1; }
done
tr -d '\r' < "$log" | awk -F, -v train="$out/train.csv" -v valid="$out/valid.csv" '
  NR == 1 { print > train; print > valid; next }
  { if ($3 <= 20220502) print > train; else print > valid }'
ln -s "$tables/user_features_pure.csv" "$out/user_features_pure.csv"
ln -s "$tables/video_features_basic_pure.csv" "$out/video_features_basic_pure.csv"
echo "wrote $out/train.csv and $out/valid.csv, linked the user and video tables beside them"

#!/usr/bin/env bash
# Run every accuracy benchmark on ../shared/data and keep the metrics, one JSON file per dataset.
#   bash bench/evaluate_all.sh [OUT_DIR]     (default: bench/results)
# Takes about 15 minutes on 2 cores. Skips cleanly when ../shared is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
data=../shared/data
out=${1:-bench/results}
if [ ! -d "$data" ]; then echo "no ../shared/data: nothing to evaluate"; exit 0; fi
mkdir -p "$out"
ew=.venv/bin/eventwire
run() {  # name dataset path
  local name=$1; shift
  local start=$SECONDS
  "$ew" evaluate "$@" --json --errors "$out/$name.errors.jsonl" 2>/dev/null | tail -n 1 > "$out/$name.json"
  echo "$name ($((SECONDS - start)) s): $(cat "$out/$name.json")"
}
run acled acled "$data/acled/acled_dev.csv"
run event-location event-location "$data/event_location/labeled_text.jsonl"
run gwn geoparsing "$data/geoparsing/GWN.xml"
run lgl geoparsing "$data/geoparsing/lgl.xml"
run ucdp ucdp "$data/ucdp/ucdp_ged_syria_dev.csv"
# GED's place name column stands in for where_description, which this extract lacks (docs/accuracy.md)
run ucdp-place ucdp "$data/ucdp/ucdp_ged_syria_dev.csv" --place-column where_coordinates

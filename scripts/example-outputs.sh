#!/usr/bin/env bash
# Writes the --json and text output of every examples/*.yaml into DIR, wall-clock fields
# removed, so that two trees can be compared byte for byte (refactors promise identical
# outputs):  scripts/example-outputs.sh /tmp/before; (change); scripts/example-outputs.sh
# /tmp/after; diff -r /tmp/before /tmp/after
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: scripts/example-outputs.sh DIR}
mkdir -p "$out"
for f in examples/*.yaml; do
  name=$(basename "$f" .yaml)
  node bin/dmsim.js run "$f" --json | sed -E 's/"wall_ms": ?[0-9.e+-]+/"wall_ms": 0/; s/"(time|timestamp|timestamp_ms)": ?[0-9]+/"\1": 0/; s/"fio_version"[^,]*//' > "$out/$name.json" &
  node bin/dmsim.js run "$f" | sed -E 's/[0-9]+ ms wall/N ms wall/' > "$out/$name.txt" &
  wait
  # A run may exit non-zero on purpose (dd's ENOSPC exits 1, as dd does), so the check is
  # that each output has content: a run that crashed before printing must not pass for a
  # byte-identical (empty) output.
  for o in "$out/$name.json" "$out/$name.txt"; do
    [ -s "$o" ] || { echo "example-outputs: $f wrote nothing to $o" >&2; exit 1; }
  done
done
touch "$out/DONE"

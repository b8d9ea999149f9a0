#!/usr/bin/env bash
# gcl score on 10,000,000 rows, both engines: rows/s (the tool's own line) and peak RSS (GNU time's "Maximum
# resident set size"). Usage: bench/gcl-score-10m.sh [GCL]  (GCL: an installed gcl, default: the Release build of
# src/Gcl.MLNet.Tool). The 10M x 10 synthetic CSV (about 930 MB, with an id column) and the scored files live under
# a temporary folder that is deleted at the end; the model uses the default networks, trained on the first 20,000
# rows with a short budget (scoring speed depends on the network shapes, not on training). GCL_SCORE_ROWS sets
# another row count (for a quick check of the script).
set -euo pipefail
rows=${GCL_SCORE_ROWS:-10000000}
repo=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -ge 1 ]; then gcl=$1; else
  dotnet build "$repo/src/Gcl.MLNet.Tool" -c Release -f net10.0 -v q -nologo
  gcl="$repo/src/Gcl.MLNet.Tool/bin/Release/net10.0/gcl"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
awk -v n="$rows" 'BEGIN { srand(1); printf "id"; for (j = 1; j <= 10; j++) printf ",x%d", j; printf "\n";
  for (i = 0; i < n; i++) { printf "%d", i; s = 0; for (j = 1; j <= 10; j++) { z = rand() + rand() + rand() - 1.5; s += z; printf ",%.5f", z + 0.3 * s } printf "\n" } }' > rows.csv
head -n 20001 rows.csv > train.csv
"$gcl" train --data train.csv --ignore id --out m.zip --warm-start-steps 200 --adversarial-iterations 100 --partition-samples 10000 --seed 1 > /dev/null
for engine in onnx library; do
  echo "$engine engine, load average $(cut -d' ' -f1-3 /proc/loadavg):"
  /usr/bin/time -v "$gcl" score --model m.zip --data rows.csv --ignore id --out scored.csv --engine "$engine" 2> time.log | grep "^scored"
  grep -E "Maximum resident|User time|System time" time.log
  rm scored.csv
done

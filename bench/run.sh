#!/usr/bin/env bash
# Runs the benchmarks in one invocation and prints each result as a JSON line (recorded in bench/RESULTS.md).
#   bench/run.sh [tokenizer|planner|reader|sidecar|emulator|pipeline|storage|labels|migration|all]
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
dotnet build bench/Bench -c Release -nologo -v q >/dev/null
bench() { dotnet bench/Bench/bin/Release/net10.0/BatchEmbed.Bench.dll "$@"; }
mkdir -p bench/out

if [[ $what == all || $what == tokenizer ]]; then
  (cd bench/tiktoken-node && npm ci --no-audit --no-fund --silent)
  [ -f bench/out/text.txt ] || bench make-text bench/out/text.txt 20
  ours=$(bench tokenizer bench/out/text.txt)
  ref=$(node bench/tiktoken-node/bench.mjs bench/out/text.txt)
  echo "$ours"; echo "$ref"
  for enc in cl100k_base o200k_base; do
    a=$(grep '"impl":"batchembed"' <<<"$ours" | grep "\"$enc\"" | sed -E 's/.*"mbPerSec":([0-9.]+).*/\1/')
    b=$(grep "\"$enc\"" <<<"$ref" | sed -E 's/.*"mbPerSec":([0-9.]+).*/\1/')
    ta=$(grep '"impl":"batchembed"' <<<"$ours" | grep "\"$enc\"" | sed -E 's/.*"tokens":([0-9]+).*/\1/')
    tb=$(grep "\"$enc\"" <<<"$ref" | sed -E 's/.*"tokens":([0-9]+).*/\1/')
    echo "{\"bench\":\"tokenizer-ratio\",\"encoding\":\"$enc\",\"ratio\":$(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.1f", a/b}'),\"tokensAgree\":$([ "$ta" = "$tb" ] && echo true || echo false)}"
  done
fi
[[ $what == all || $what == planner ]] && bench planner 1000000
[[ $what == all || $what == reader ]] && bench reader 50000 1536
if [[ $what == all || $what == sidecar ]]; then
  (cd tools/azurite && npm ci --no-audit --no-fund --silent --loglevel=error)
  # fan-out, sequences of 5, entity signals; Azure Storage on Azurite gets smaller runs (about 25 activities/s)
  bench sidecar 10000 500 5000 500 40
fi
[[ $what == all || $what == emulator ]] && bench emulator 50000
if [[ $what == all || $what == pipeline ]]; then
  bench pipeline 1000000 256 base64
  bench pipeline 1000000 256 float
fi
if [[ $what == all || $what == storage ]]; then
  (cd tools/azurite && npm ci --no-audit --no-fund --silent --loglevel=error)
  # the pipeline with Storage__Provider=azure on Azurite beside the embedded run (Azurite holds 100,000 items well)
  bench pipeline-storage 100000 256
  bench table-scaling
fi
# receipt label validation (seed 004): 10,000 receipts with 10 labels each, then 5,000 with 10 (50,000 answers)
if [[ $what == all || $what == labels ]]; then
  bench labels 10000 10
  bench labels 5000 10
fi
# a blue/green migration of 1,000,000 lines from 128 to 256 dimensions (seed 003)
[[ $what == all || $what == migration ]] && bench migration 1000000 128 256
exit 0

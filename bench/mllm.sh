#!/usr/bin/env bash
# MLLM encoder throughput on CPU, one command: ours (OnnxMllmEncoder.encode) vs the PyTorch reference
# path (transformers' LLaVA-NeXT) on the committed tiny bundle's weights, same images, same threads.
# See BENCHMARKS.md for a recorded run and the arithmetic for the real 7 B model.
#
#   bench/mllm.sh [--threads N] [--reps N] [--batches 1,8] [--items N]
#
# Needs the export venv (tools/.venv or $BGEVL_EXPORT_VENV). Results:
# bench-work/mllm-<UTC time>/{machine.txt,java.jsonl,pytorch.jsonl}.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

threads=2 reps=3 batches=1,8 items=8
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --batches) batches="$2"; shift 2 ;;
    --items) items="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

venv="${BGEVL_EXPORT_VENV:-$root/tools/.venv}"
if ! "$venv/bin/python" -c 'import torch, transformers, onnxruntime' 2>/dev/null; then
  BGEVL_EXPORT_VENV="$venv" tools/setup-export-venv.sh
fi
py="$venv/bin/python"
out="$root/bench-work/mllm-$(date -u +%Y%m%dT%H%M%SZ)"
images="$root/bench-work/mllm-images"
mkdir -p "$out"
load() { cut -d' ' -f1-3 /proc/loadavg; }
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "cpu: $(awk -F: '/^model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ *//'), $(nproc) cores"
  echo "threads: $threads (ORT intra-op for ours, torch.set_num_threads for PyTorch)"
  echo "load before: $(load)"
} | tee "$out/machine.txt"
common="--threads $threads --reps $reps --batches $batches --items $items"
# PyTorch first: it writes the shared input images
# shellcheck disable=SC2086
"$py" tools/bench_mllm_pytorch.py --images-dir "$images" --out "$out/pytorch.jsonl" $common \
  2> >(grep -v -e 'Loading weights' -e Warning -e 'Writing model' >&2)
echo "load between: $(load)" | tee -a "$out/machine.txt"
mvn_args="${BENCH_MVN_ARGS:--B -q -o}"
# shellcheck disable=SC2086
# shellcheck disable=SC2086
mvn $mvn_args -Pbench -pl bench -am package exec:exec -DskipTests -Dexec.skip=true -Dexec.executable=java -Dbench.main=dev.bgevl.streams.encoder.bench.MllmEncoderBenchmark \
  -Dbench.args="--bundle $root/models/tiny-bgevl-mllm --images-dir $images --out $out/java.jsonl $common"
echo "load after: $(load)" | tee -a "$out/machine.txt"
python3 - "$out" <<'PY'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
rows = [json.loads(l) for f in ("java.jsonl", "pytorch.jsonl") for l in (out / f).read_text().splitlines() if l]
by = {(r["impl"], r["modality"], r["batch"]): r for r in rows}
print("| modality | batch | ours items/s | PyTorch items/s | ours / PyTorch |")
print("|---|---|---|---|---|")
for (impl, mod, b), r in sorted(by.items(), key=lambda kv: (kv[0][1], kv[0][2])):
    if impl != "ours" or ("pytorch", mod, b) not in by:
        continue
    p = by[("pytorch", mod, b)]
    print(f"| {mod} | {b} | {r['items_per_s']:.2f} ({r['min']:.2f}-{r['max']:.2f}) | "
          f"{p['items_per_s']:.2f} ({p['min']:.2f}-{p['max']:.2f}) | {r['items_per_s'] / p['items_per_s']:.2f}x |")
PY
echo "results in $out"

#!/usr/bin/env bash
# Graph fusions, measured: the BGE-VL-base-size random checkpoint exported without and with
# tools/export_bgevl.py --fuse (ONNX Runtime's Attention / SkipLayerNormalization / QuickGelu fusions,
# the export check holding the fused graphs to PyTorch at 1e-4), then both run by this build's ONNX
# Runtime (Java) with the encoder's session options on the same tensors, interleaved repetition by
# repetition: items/s, fused/unfused, and the fused outputs' distance to the unfused ones.
#
#   bench/fusion.sh [--threads N] [--reps N] [--batches 1,8]
#
# Needs bench/encoder.sh's checkpoint and bundle (it makes them when missing, as encoder.sh does).
# Results: bench-work/fusion-<UTC time>/report.md. See BENCHMARKS.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
threads=2 reps=7 batches=1,8
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --batches) batches="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
work="$root/bench-work"
checkpoint="$work/bge-vl-base-random-checkpoint"
bundle="$work/bge-vl-base-random"
fused="$work/bge-vl-base-random-fused"
venv="${BGEVL_EXPORT_VENV:-$root/tools/.venv}"
if ! "$venv/bin/python" -c 'import torch, transformers, onnxruntime' 2>/dev/null; then
  BGEVL_EXPORT_VENV="$venv" tools/setup-export-venv.sh
fi
py="$venv/bin/python"
[[ -f "$checkpoint/config.json" ]] || "$py" tools/make_benchmark_model.py --out "$checkpoint"
[[ -f "$bundle/manifest.json" ]] || "$py" tools/export_bgevl.py --model "$checkpoint" --model-id bge-vl-base-random --out "$bundle"
[[ -f "$fused/manifest.json" ]] || "$py" tools/export_bgevl.py --model "$checkpoint" --model-id bge-vl-base-random --out "$fused" --fuse
out="$work/fusion-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpu: $(awk -F: '/^model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ *//'), $(nproc) cores"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/report.md"
mvn_args="${BENCH_MVN_ARGS:--B -q -o}"
# shellcheck disable=SC2086
mvn $mvn_args -Pbench -pl bench -am package exec:exec -DskipTests -Dexec.skip=true -Dexec.executable=java \
  -Dbench.main=dev.bgevl.streams.encoder.bench.FusionBenchmark -Dbench.jvmArgs="-Xms2g -Xmx6g" \
  -Dbench.args="$bundle $fused $threads $reps $batches" 2>&1 | grep -v -e ' INFO ' -e ' WARN ' >> "$out/report.md"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/report.md"
cat "$out/report.md"

#!/usr/bin/env bash
# Encoder throughput benchmark, one command: ours (OnnxBgeVlEncoder.encode) vs a bare ONNX Runtime
# session vs the PyTorch reference, on a random-weight model of the real BGE-VL-base size, on CPU
# with the same thread count for all three. See BENCHMARKS.md for a recorded run.
#
#   bench/encoder.sh [--threads N] [--reps N] [--batches 1,8,32] [--wait-quiet SECONDS] [--quick]
#
# Steps: (a) export venv (tools/.venv, or $BGEVL_EXPORT_VENV), (b) checkpoint + bundle into
# bench-work/ if missing (ignored by git, ~1.2 GB), (c) the Java harness, which times ours, bare ORT
# and PyTorch (a long-lived tools/bench_pytorch.py --serve worker) repetition by repetition in one run,
# (d) combined table. Results: bench-work/results-<UTC time>/{machine.txt,java.jsonl,pytorch.jsonl,report.md}.
# --wait-quiet polls the 1-minute load average every 30 s until it is below $BENCH_QUIET_LOAD
# (default 0.5) or the time is up, and records which happened: other processes on the same cores
# distort every number here.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

threads=2 reps=3 batches=1,8,32 wait_quiet=0 image_items=8 text_items=64
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --batches) batches="$2"; shift 2 ;;
    --wait-quiet) wait_quiet="$2"; shift 2 ;;
    --quick) reps=1 batches=1,2 image_items=2 text_items=4; shift ;;  # smoke test of the plumbing only
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

work="$root/bench-work"
checkpoint="$work/bge-vl-base-random-checkpoint"
bundle="$work/bge-vl-base-random"
images="$work/images"
out="$work/results-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"

# (a) the export venv: reuse one that already has the packages, else build tools/.venv
venv="${BGEVL_EXPORT_VENV:-$root/tools/.venv}"
if ! "$venv/bin/python" -c 'import torch, transformers, onnxruntime, onnx, open_clip' 2>/dev/null; then
  BGEVL_EXPORT_VENV="$venv" tools/setup-export-venv.sh
fi
py="$venv/bin/python"

# (b) random BGE-VL-base-size checkpoint and its bundle, exported like any real checkpoint
if [[ ! -f "$checkpoint/config.json" ]]; then
  "$py" tools/make_benchmark_model.py --out "$checkpoint"
fi
if [[ ! -f "$bundle/manifest.json" ]]; then
  "$py" tools/export_bgevl.py --model "$checkpoint" --model-id bge-vl-base-random --out "$bundle"
fi

# machine facts and the theoretical fp32 peak: cores x GHz x FLOP/cycle. FLOP/cycle comes from the
# CPU model, not from the AVX-512 flag: Zen 4 executes AVX-512 on 256-bit units (32), Zen 5 server
# parts have full 512-bit FMA pipes (64), and Intel parts differ by SKU in their 512-bit FMA count.
# Where the model is not in this table the peak is "unknown" (0), never guessed.
cores="$(nproc)"
mhz="$(awk -F: '/^cpu MHz/ {print $2; exit}' /proc/cpuinfo | tr -d ' ')"
ghz="$(awk -v m="$mhz" 'BEGIN {printf "%.3f", m / 1000}')"
flags="$(awk -F: '/^flags/ {print $2; exit}' /proc/cpuinfo)"
vendor="$(awk -F: '/^vendor_id/ {print $2; exit}' /proc/cpuinfo | tr -d ' ')"
family="$(awk -F: '/^cpu family/ {print $2; exit}' /proc/cpuinfo | tr -d ' ')"
model="$(awk -F: '/^model\t/ {print $2; exit}' /proc/cpuinfo | tr -d ' ')"
fpc=0 fpc_why="unknown for $vendor family $family model $model"
if [[ "$vendor" == AuthenticAMD && "$family" == 25 ]]; then
  fpc=32 fpc_why="Zen 3/4: two 256-bit FMA pipes (AVX-512 on Zen 4 is double-pumped)"
elif [[ "$vendor" == AuthenticAMD && "$family" == 26 && "$model" -lt 32 ]]; then
  fpc=64 fpc_why="Zen 5 server (EPYC 9005): two full 512-bit FMA pipes"
elif [[ "$vendor" == GenuineIntel && " $flags " != *" avx512f "* && " $flags " == *" avx2 "* && " $flags " == *" fma "* ]]; then
  fpc=32 fpc_why="Intel AVX2 core: two 256-bit FMA pipes"
fi
load() { cut -d' ' -f1-3 /proc/loadavg; }
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "cpu: $(awk -F: '/^model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ *//') (family $(awk -F: '/^cpu family/ {print $2; exit}' /proc/cpuinfo | tr -d ' '), model $(awk -F: '/^model\t/ {print $2; exit}' /proc/cpuinfo | tr -d ' '))"
  echo "cores: $cores, clock (as /proc/cpuinfo reports) $ghz GHz"
  echo "simd: $(for f in sse4_2 avx avx2 fma avx512f avx512_bf16 avx_vnni; do [[ " $flags " == *" $f "* ]] && printf '%s ' "$f"; done)-> $([[ $fpc -gt 0 ]] && echo "$fpc" || echo unknown) fp32 FLOP/cycle/core ($fpc_why)"
  echo "memory: $(free -g | awk '/^Mem:/ {print $2}') GiB"
  echo "jdk: $(java -version 2>&1 | head -1)"
  echo "openblas env: $(env | grep '^OPENBLAS' | tr '\n' ' ' || true)(none of it is changed here; torch and ORT use their own kernels)"
  echo "threads: $threads for ORT intra-op (ours and bare) and torch"
} | tee "$out/machine.txt"

if [[ "$wait_quiet" -gt 0 ]]; then
  quiet_below="${BENCH_QUIET_LOAD:-0.5}"
  deadline=$(( $(date +%s) + wait_quiet ))
  while awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v q="$quiet_below" 'BEGIN {exit !(l >= q)}'; do
    if [[ $(date +%s) -ge $deadline ]]; then
      echo "machine not quiet after ${wait_quiet}s (load $(load)): running anyway" | tee -a "$out/machine.txt"
      break
    fi
    echo "waiting for a quiet machine: load $(load), want 1-min < $quiet_below"
    sleep 30
  done
fi
echo "load before: $(load)" | tee -a "$out/machine.txt"

# (c) Java harness (via the bench profile): ours, bare ORT and PyTorch interleaved, same thread count
mvn_args="${BENCH_MVN_ARGS:--B -q -o}"  # offline: the normal build has already fetched every plugin
# shellcheck disable=SC2086
common="--threads $threads --reps $reps --batches $batches --image-items $image_items --text-items $text_items"
# shellcheck disable=SC2086
mvn $mvn_args -Pbench -pl bench -am package exec:exec -DskipTests -Dexec.skip=true -Dexec.executable=java -Dbench.main=dev.bgevl.streams.encoder.bench.EncoderBenchmark -Dbench.jvmArgs="-Xms2g -Xmx6g" -Dbench.args="--bundle $bundle --out $out/java.jsonl \
  --images-dir $images $common --cpu-ghz $ghz --flops-per-cycle $fpc --cores $cores \
  --pytorch-python $py --pytorch-script $root/tools/bench_pytorch.py --pytorch-checkpoint $checkpoint --pytorch-out $out/pytorch.jsonl"
echo "load after: $(load)" | tee -a "$out/machine.txt"

# (d) combined table
{
  echo "## Encoder throughput, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo '```'
  cat "$out/machine.txt"
  echo '```'
  python3 tools/bench_report.py --java "$out/java.jsonl" --pytorch "$out/pytorch.jsonl"
} > "$out/report.md"
echo
cat "$out/report.md"
echo
echo "results in $out"

#!/usr/bin/env bash
# Image front-end benchmark: Java (ImageDecoder + fused ClipImagePreprocessor) against Pillow
# (open, convert, bicubic resize, crop, normalize), one thread each, on seeded photo-like
# 640x480 and 1920x1080 JPEG and PNG; then the null-encoder ceiling (the MicroBatcher pipeline
# feeding an encoder whose inference costs nothing) with 1 and with all preparation threads.
#
#   bench/preprocess.sh [--pairs N] [--seconds S]
#
# Java and Pillow alternate slice by slice in one run (a Java slice of S seconds, then a Pillow
# slice from a helper process, N pairs per file), so drift on a shared host lands on both sides of
# each pair; the verdict is the median of the per-pair ratios, with their range.
# Results: bench-work/preprocess-<UTC time>/{machine.txt,results.jsonl,report.md}.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
pairs=7 seconds=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --pairs) pairs="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
venv="${BGEVL_EXPORT_VENV:-$root/tools/.venv}"
if ! "$venv/bin/python" -c 'import PIL, numpy' 2>/dev/null; then
  BGEVL_EXPORT_VENV="$venv" tools/setup-export-venv.sh
fi
py="$venv/bin/python"
work="$root/bench-work"
images="$work/preprocess-images"
out="$work/preprocess-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
[[ -f "$images/photo_1920x1080.png" ]] || "$py" tools/bench_preprocess.py --make "$images"
files=("$images"/photo_640x480.jpg "$images"/photo_1920x1080.jpg "$images"/photo_640x480.png "$images"/photo_1920x1080.png)

# the harness runs from the bench module, as every benchmark does (mvn -Pbench ... exec:exec)

{ echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"; lscpu | grep -E 'Model name|^CPU\(s\)|MHz'
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"; java -version 2>&1 | head -1
  "$py" -c 'import PIL, PIL.features as f; print("Pillow", PIL.__version__, "libjpeg-turbo", f.version("libjpeg_turbo"), "zlib", f.version("zlib"))'
} > "$out/machine.txt"
mvn -B -q -o -Pbench -pl bench -am package exec:exec -DskipTests -Dexec.skip=true -Dexec.executable=java \
  -Dbench.main=dev.bgevl.streams.encoder.bench.PreprocessBenchmark -Dbench.jvmArgs=-Xmx2g \
  -Dbench.args="$root/models/tiny-bgevl $seconds $pairs $py ${files[*]}" 2>/dev/null | grep '^{' >> "$out/results.jsonl"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
{ cat "$out/machine.txt"; echo; "$py" tools/bench_preprocess.py --report "$out/results.jsonl" --cores "$(nproc)"; } > "$out/report.md"
cat "$out/report.md"

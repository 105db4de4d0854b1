#!/usr/bin/env bash
# What a thumbnail costs next to the encoder's image front-end, per image on one thread: the
# seeded photo-like 640x480 and 1920x1080 JPEG and PNG of bench/preprocess.sh, the two alternated
# slice by slice in one run (N pairs of S-second slices), the verdict the median per-pair ratio.
#
#   bench/thumbnails.sh [--pairs N] [--seconds S]
#
# Results: bench-work/thumbnails-<UTC time>/{machine.txt,results.jsonl}.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
pairs=5 seconds=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --pairs) pairs="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
venv="${BGEVL_EXPORT_VENV:-$root/tools/.venv}"
if ! "$venv/bin/python" -c 'import PIL, numpy' 2>/dev/null; then
  BGEVL_EXPORT_VENV="$venv" tools/setup-export-venv.sh
fi
images="$root/bench-work/preprocess-images"
out="$root/bench-work/thumbnails-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
[[ -f "$images/photo_1920x1080.png" ]] || "$venv/bin/python" tools/bench_preprocess.py --make "$images"
files=("$images"/photo_640x480.jpg "$images"/photo_1920x1080.jpg "$images"/photo_640x480.png "$images"/photo_1920x1080.png)
{ echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"; lscpu | grep -E 'Model name|^CPU\(s\)'
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"; java -version 2>&1 | head -1; } > "$out/machine.txt"
mvn -B -q -o -Pbench -pl bench -am package exec:exec -DskipTests -Dexec.skip=true -Dexec.executable=java \
  -Dbench.main=dev.bgevl.streams.bench.ThumbnailBenchmark -Dbench.jvmArgs=-Xmx2g \
  -Dbench.args="$root/models/tiny-bgevl $seconds $pairs ${files[*]}" 2>/dev/null | grep '^{' >> "$out/results.jsonl"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
cat "$out/machine.txt" "$out/results.jsonl"

#!/usr/bin/env bash
# Ingest throughput benchmark, one command: media events with inline images produced to Kafka until
# all are searchable in Milvus (count(*) = N), vs the encoder alone on the same images (batches of
# 32), for the random BGE-VL-base-size bundle with 640x480 images ("base"), and for the tiny bundle
# with 64x64 images ("tiny") and text-only events ("tiny-text") to find the pipeline's own ceiling.
# Also times, per event, JSON decode, image decode, resize + normalize and a 32-row Milvus upsert,
# and reads the peak RSS of the JVM and of Milvus Lite. The events are produced 3 times (-- --phases N)
# to one service under new ids: phase 1 on a cold JVM, the last warm; both are reported. --server
# standalone runs on Milvus standalone 2.3 with HNSW instead of the embedded Milvus Lite (as in
# bench/query-latency.sh). See BENCHMARKS.md.
#
#   bench/ingest.sh [--smoke] [--events N] [--tiny-events N] [--text-events N] [--suites base,tiny,tiny-text] [--ingest-delay-ms N]
#                   [--wait-quiet SECONDS] [--server lite|standalone] [-- more IngestBenchmark options, see its --help]
#
# Bundles: bench-work/bge-vl-base-random ($BENCH_BUNDLE; bench/encoder.sh step (b) exports it) and
# models/tiny-bgevl. --smoke runs every suite on the tiny bundle with few events: plumbing only.
# Results: bench-work/ingest-<UTC time>/{machine.txt,results.jsonl,report.txt,run.log}. --wait-quiet as
# in bench/query-latency.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bundle="${BENCH_BUNDLE:-$root/bench-work/bge-vl-base-random}"
tiny="$root/models/tiny-bgevl"
wait_quiet=0 server=lite extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --smoke) bundle="$tiny"; extra+=(--events 64 --tiny-events 500 --text-events 1000); shift ;;
    --events|--tiny-events|--text-events|--suites|--ingest-delay-ms) extra+=("$1" "$2"); shift 2 ;;
    --wait-quiet) wait_quiet="$2"; shift 2 ;;
    --server) server="$2"; shift 2 ;;
    --) shift; extra+=("$@"); break ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [[ ! -f "$bundle/manifest.json" ]]; then
  echo "no model bundle at $bundle: run bench/encoder.sh once (step (b) exports it) or set BENCH_BUNDLE" >&2
  exit 2
fi
venv="${BGEVL_VENV:-$root/.venv}"
BGEVL_VENV="$venv" bash tools/setup-venv.sh
out="$root/bench-work/ingest-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
# shellcheck source=bench/machine.sh
source "$root/bench/machine.sh"
machine_facts "$bundle" | tee "$out/machine.txt"
wait_for_quiet "$wait_quiet" "$out/machine.txt"
echo "load before: $(load)" | tee -a "$out/machine.txt"
if [[ "$server" == standalone ]]; then
  start_standalone "$out/work"
  trap stop_standalone EXIT
  extra+=(--milvus-uri "$STANDALONE_URI" --index-type HNSW)
elif [[ "$server" != lite ]]; then
  echo "--server must be lite or standalone but was $server" >&2
  exit 2
fi
echo "milvus: $server" | tee -a "$out/machine.txt"

mvn_args="${BENCH_MVN_ARGS:--B -q -o}"  # offline: the normal build has already fetched every plugin
# shellcheck disable=SC2086
mvn $mvn_args -Pbench -pl bench -am package exec:exec -DskipTests -Dexec.skip=true -Dexec.executable=java \
  -Dbgevl.venv="$venv" -Dbench.main=dev.bgevl.streams.bench.IngestBenchmark \
  -Dbench.args="--bundle $bundle --tiny-bundle $tiny --out $out ${extra[*]}" 2>&1 | tee "$out/run.log" \
  | grep -v -e ' INFO ' -e ' WARN ' || true
echo "load after: $(load)" | tee -a "$out/machine.txt"
stop_standalone
rm -rf "$out/work"
echo
cat "$out/machine.txt" "$out/report.txt"
echo
echo "results in $out"

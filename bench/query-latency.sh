#!/usr/bin/env bash
# Retrieval latency benchmark, one command: requests over the Kafka request/reply topics (send ->
# reply) vs the same encode + search called in-process, text-only and composed (image + text), at
# fixed open-loop rates, on a Milvus collection pre-filled with random unit vectors. Everything runs in
# one JVM: a KRaft broker, the service, the client, plus the embedded Milvus Lite as a child process
# (--server lite, the default) or Milvus standalone 2.3 with HNSW started beside it (--server standalone).
# See BENCHMARKS.md.for a recorded run.
#
#   bench/query-latency.sh [--tiny] [--vectors N] [--rates 1,10,50] [--seconds N] [--wait-quiet SECONDS]
#                          [--server lite|standalone] [-- more QueryLatencyBenchmark options, see its --help]
#
# Default model: the random BGE-VL-base-size bundle in bench-work/bge-vl-base-random (made by
# bench/encoder.sh step (b); $BENCH_BUNDLE overrides it). --tiny uses models/tiny-bgevl with small
# sizes: a smoke test of the plumbing only. Milvus Lite comes from $BGEVL_VENV (default .venv, made
# by tools/setup-venv.sh). Results: bench-work/query-<UTC time>/{machine.txt,results.jsonl,report.txt,run.log}.
# --wait-quiet polls the 1-minute load every 30 s until it is below $BENCH_QUIET_LOAD (default 0.7)
# or the time is up, and records which happened.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bundle="${BENCH_BUNDLE:-$root/bench-work/bge-vl-base-random}"
wait_quiet=0 server=lite extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tiny) bundle="$root/models/tiny-bgevl"; extra+=(--vectors 2000 --rates 2,10 --seconds 5 --seconds-at-1 5); shift ;;
    --vectors|--rates|--seconds) extra+=("$1" "$2"); shift 2 ;;
    --wait-quiet) wait_quiet="$2"; shift 2 ;;
    --server) server="$2"; shift 2 ;;
    --) shift; extra+=("$@"); break ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [[ ! -f "$bundle/manifest.json" ]]; then
  echo "no model bundle at $bundle: run bench/encoder.sh once (step (b) exports it) or set BENCH_BUNDLE" >&2
  exit 2
fi
venv="${BGEVL_VENV:-$root/.venv}"
BGEVL_VENV="$venv" bash tools/setup-venv.sh
out="$root/bench-work/query-$(date -u +%Y%m%dT%H%M%SZ)"
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
mvn $mvn_args -Pbench -pl bench -am package exec:exec -DskipTests -Dexec.skip=true -Dexec.executable=java -Dbgevl.venv="$venv" \
  -Dbench.main=dev.bgevl.streams.bench.QueryLatencyBenchmark \
  -Dbench.args="--bundle $bundle --out $out ${extra[*]}" 2>&1 | tee "$out/run.log" | grep -v -e ' INFO ' -e ' WARN ' || true
echo "load after: $(load)" | tee -a "$out/machine.txt"
stop_standalone
rm -rf "$out/work"
echo
cat "$out/machine.txt" "$out/report.txt"
echo
echo "results in $out"

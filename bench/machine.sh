# Shared by bench/query-latency.sh and bench/ingest.sh (sourced, not run): machine facts and the
# wait for a quiet machine.
load() { cut -d' ' -f1-3 /proc/loadavg; }

machine_facts() {
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "cpu: $(awk -F: '/^model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ *//')"
  echo "cores: $(nproc)"
  echo "memory: $(free -g | awk '/^Mem:/ {print $2}') GiB"
  echo "jdk: $(java -version 2>&1 | head -1)"
  echo "model: $1"
}

# wait_for_quiet SECONDS FILE: polls every 30 s until the 1-minute load is below $BENCH_QUIET_LOAD
# (default 0.7) or SECONDS passed; appends which happened to FILE.
wait_for_quiet() {
  local budget="$1" file="$2" quiet_below="${BENCH_QUIET_LOAD:-0.7}"
  [[ "$budget" -gt 0 ]] || return 0
  local deadline=$(( $(date +%s) + budget ))
  while awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v q="$quiet_below" 'BEGIN {exit !(l >= q)}'; do
    if [[ $(date +%s) -ge $deadline ]]; then
      echo "machine not quiet after ${budget}s (load $(load)): running anyway" | tee -a "$file"
      return 0
    fi
    echo "waiting for a quiet machine: load $(load), want 1-min < $quiet_below"
    sleep 30
  done
  echo "machine quiet: load $(load)" | tee -a "$file"
}

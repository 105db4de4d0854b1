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

# start_standalone WORKDIR: starts Milvus standalone (PyPI `milvus`, .venv-standalone, made by
# tools/setup-standalone-venv.sh) on a free port through tools/milvus_standalone.py, waits until its
# port answers, and sets STANDALONE_URI and STANDALONE_PID; stop_standalone stops it (SIGTERM).
start_standalone() {
  local work="$1" venv="${BGEVL_STANDALONE_VENV:-$root/.venv-standalone}" port
  BGEVL_STANDALONE_VENV="$venv" bash "$root/tools/setup-standalone-venv.sh"
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  mkdir -p "$work"
  "$venv/bin/python" "$root/tools/milvus_standalone.py" --data "$work/standalone" --port "$port" \
    --bin-cache "$venv/milvus-bin" > "$work/standalone.log" 2>&1 &
  STANDALONE_PID=$!
  STANDALONE_URI="http://127.0.0.1:$port"
  for _ in $(seq 1 240); do
    if (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      sleep 3  # the proxy listens before the coordinators are ready; the benchmark's client retries anyway
      return 0
    fi
    kill -0 "$STANDALONE_PID" 2>/dev/null || { cat "$work/standalone.log" >&2; return 1; }
    sleep 0.5
  done
  echo "Milvus standalone did not listen on $port in 120 s" >&2
  return 1
}

stop_standalone() {
  [[ -n "${STANDALONE_PID:-}" ]] || return 0
  kill -TERM "$STANDALONE_PID" 2>/dev/null || true
  wait "$STANDALONE_PID" 2>/dev/null || true
  STANDALONE_PID=""
}

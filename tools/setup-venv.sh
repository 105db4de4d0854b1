#!/usr/bin/env bash
# Creates (once) the project's own Python venv with Milvus Lite, the Milvus-protocol server
# that the tests and the embedded local stack run. Idempotent: a stamp keyed on the
# requirements file skips the work when nothing changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${BGEVL_VENV:-$root/.venv}"
req="$root/tools/requirements-runtime.txt"
stamp="$venv/.bgevl-stamp"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$venv/bin/milvus-lite" ]]; then
  exit 0
fi
python3 -m venv "$venv" 2>/dev/null || {
  # Debian ships venv without ensurepip unless python3-venv is installed
  if command -v apt-get >/dev/null; then apt-get install -y -q python3-venv >/dev/null; fi
  python3 -m venv "$venv"
}
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req"
echo "$want" > "$stamp"
echo "venv ready: $venv ($("$venv/bin/milvus-lite" --help >/dev/null && echo milvus-lite ok))"

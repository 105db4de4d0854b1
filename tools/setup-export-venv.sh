#!/usr/bin/env bash
# Creates (once) the Python venv for exporting BGE-VL to ONNX and regenerating the tiny test
# bundle (tools/export_bgevl.py, tools/make_reference.py). Separate from the runtime venv
# because torch is large and only model builders need it. Idempotent: a stamp keyed on the
# requirements file skips the work when nothing changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${BGEVL_EXPORT_VENV:-$root/tools/.venv}"
req="$root/tools/requirements-export.txt"
stamp="$venv/.bgevl-export-stamp"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$venv/bin/python" ]]; then
  exit 0
fi
python3 -m venv "$venv" 2>/dev/null || {
  # Debian ships venv without ensurepip unless python3-venv is installed
  if command -v apt-get >/dev/null; then apt-get install -y -q python3-venv >/dev/null; fi
  python3 -m venv "$venv"
}
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req"
echo "$want" > "$stamp"
echo "venv ready: $venv ($("$venv/bin/python" -c 'import torch, transformers, onnxruntime, open_clip; print("torch", torch.__version__, "transformers", transformers.__version__)'))"

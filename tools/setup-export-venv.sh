#!/usr/bin/env bash
# Creates (once) the Python venv for exporting BGE-VL to ONNX and regenerating the tiny test
# bundle (tools/export_bgevl.py, tools/make_reference.py). Separate from the runtime venv
# because torch is large and only model builders need it. BGEVL_EXPORT_VENV overrides where.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/tools/make-venv.sh" "${BGEVL_EXPORT_VENV:-$root/tools/.venv}" "$root/tools/requirements-export.txt"

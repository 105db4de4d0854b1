#!/usr/bin/env bash
# Creates (once) the project's own Python venv with Milvus Lite, the Milvus-protocol server
# that the tests and the embedded local stack run. BGEVL_VENV overrides where.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/tools/make-venv.sh" "${BGEVL_VENV:-$root/.venv}" "$root/tools/requirements-runtime.txt"

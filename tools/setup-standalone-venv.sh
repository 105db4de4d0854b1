#!/usr/bin/env bash
# Creates (once) the venv with Milvus standalone (PyPI `milvus`) for the opt-in -Pmilvus-standalone
# test profile. BGEVL_STANDALONE_VENV overrides where.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/tools/make-venv.sh" "${BGEVL_STANDALONE_VENV:-$root/.venv-standalone}" "$root/tools/requirements-standalone.txt"

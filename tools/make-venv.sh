#!/usr/bin/env bash
# Creates (once) a Python venv from a pinned requirements file: make-venv.sh VENV REQUIREMENTS.
# Idempotent: a stamp keyed on the requirements file skips the work when nothing changed.
# Used by setup-venv.sh (Milvus Lite) and setup-export-venv.sh (torch, for model builders).
set -euo pipefail
venv="$1"
req="$2"
stamp="$venv/.bgevl-stamp"
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
echo "venv ready: $venv" >&2

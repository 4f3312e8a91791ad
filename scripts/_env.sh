# Shared by scripts/run and scripts/test: create or reuse the project virtual environment.
# Idempotent: reinstalls only when pyproject.toml or requirements.lock changed.
# Sourced from an interactive shell (`source scripts/_env.sh`), the shell's own options are restored
# at the end: only scripts/run and scripts/test keep -euo pipefail.
_CDP_SAVED_OPTIONS="$(set +o)"
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3.11}"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "error: $PYTHON not found. Install Python 3.11 or set PYTHON=/path/to/python3.11" >&2
  exit 1
fi
VENV="$ROOT/.venv"
if [ ! -x "$VENV/bin/python" ]; then
  echo "==> creating virtual environment in .venv"
  "$PYTHON" -m venv "$VENV"
fi
STAMP="$VENV/.cdp-install-stamp"
WANT="$(cat pyproject.toml requirements.lock | sha256sum | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  echo "==> installing pinned dependencies (requirements.lock)"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
  "$VENV/bin/python" -m pip install --quiet -r requirements.lock 2>&1 | grep -v '^WARNING: Location' || true
  "$VENV/bin/python" -m pip install --quiet --no-deps -e . 2>&1 | grep -v '^WARNING: Location' || true
  "$VENV/bin/python" -c "import dbt, duckdb, cdp" || { echo "error: installation failed" >&2; exit 1; }
  echo "$WANT" > "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
export DBT_PROFILES_DIR="$ROOT"
export CDP_DUCKDB_PATH="${CDP_DUCKDB_PATH:-$ROOT/warehouse/cdp.duckdb}"
mkdir -p "$(dirname "$CDP_DUCKDB_PATH")"
if [[ $- == *i* ]]; then
  eval "$_CDP_SAVED_OPTIONS"
fi
unset _CDP_SAVED_OPTIONS

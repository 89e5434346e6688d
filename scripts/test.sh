#!/usr/bin/env bash
# Run Yiwang's whole check: lint, types, the import contract, migrations, and the test suite on SQLite and
# (when a server answers, or always under CI) on PostgreSQL. Creates .venv and installs the test extras first.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test,spark]' 2>&1 | { grep -v '^WARNING: Location' || true; }
export PATH="$PWD/.venv/bin:$PATH" PYTHONPATH="$PWD/src" DJANGO_SETTINGS_MODULE=yiwang.settings
export YIWANG_DATA_DIR="${YIWANG_DATA_DIR:-$(mktemp -d)}"

echo "== ruff"; ruff check . && ruff format --check .
echo "== mypy"; mypy
echo "== import contracts"; lint-imports
echo "== migrations up to date"; python -m django makemigrations --check --dry-run
echo "== translations compile"; python -m django compilemessages --ignore=.venv >/dev/null

PG_URL=${YIWANG_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
echo "== tests on SQLite"
env -u DATABASE_URL pytest -n 2 -q "$@"
if python - "$PG_URL" <<'PYEOF'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL not reachable: {exc}")
    sys.exit(1)
PYEOF
then
  echo "== tests on PostgreSQL"
  DATABASE_URL="$PG_URL" pytest -n 2 -q "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "CI requires the PostgreSQL run"; exit 1
else
  echo "== PostgreSQL skipped (no server at $PG_URL)"
fi

#!/usr/bin/env bash
# Regenerate, fill and compile the English catalogue (src/yiwang/locale/en/LC_MESSAGES/django.po).
#
#   tools/i18n.sh            makemessages, fill new strings from tools/i18n_en.json, compile, check
#   tools/i18n.sh --no-make  skip makemessages (just fill, compile and check the existing .po)
#
# msgids are Chinese (docs/decisions/0001-chinese-source-strings.md). When this reports untranslated
# msgids, add their English to tools/i18n_en.json and run it again. Fails if anything stays untranslated
# or fuzzy, or if msgfmt finds a format error.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-$PWD/.venv/bin/python}
PO=src/yiwang/locale/en/LC_MESSAGES/django.po
export PYTHONPATH="$PWD/src" DJANGO_SETTINGS_MODULE=yiwang.settings

if [ "${1:-}" != "--no-make" ]; then
  mkdir -p src/yiwang/locale
  (cd src/yiwang && "$PY" -m django makemessages -l en --ignore='tests/*' --ignore='*/tests/*' --no-obsolete)
fi
"$PY" tools/apply_i18n.py --check
(cd src/yiwang && "$PY" -m django compilemessages -l en)
msgfmt --check --check-format -o /dev/null "$PO"
msgfmt --statistics -o /dev/null "$PO"

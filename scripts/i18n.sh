#!/usr/bin/env bash
# Extract translatable strings from app/ AND Flask-AppBuilder's installed
# package into translations/messages.pot, then update (or init) the
# Indonesian catalogue translations/id/LC_MESSAGES/messages.po.
#
# Usage: scripts/i18n.sh            # extract + update
#        scripts/i18n.sh --compile  # ... and also compile .mo files
# Env:   PYTHON (default: python), PYBABEL (default: pybabel)
#
# FAB ships no Indonesian catalogue, so its strings live in ours.
# Keywords: Babel defaults (_, gettext, ngettext, ...) plus
# lazy_gettext, _l, __ (FAB uses `gettext as __` in menu.py, and
# `lazy_gettext` / `lazy_gettext as _` elsewhere).
set -euo pipefail

PYTHON="${PYTHON:-python}"
PYBABEL="${PYBABEL:-pybabel}"
LOCALES="${LOCALES:-id}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

FAB_DIR="$("$PYTHON" -c 'import flask_appbuilder, os; print(os.path.dirname(flask_appbuilder.__file__))')"
FAB_PARENT="$(dirname "$FAB_DIR")"

POT=translations/messages.pot
mkdir -p translations

INPUTS=()
[ -d app ] && INPUTS+=(app)
INPUTS+=("$FAB_DIR")

"$PYBABEL" extract -F babel.cfg \
    -k lazy_gettext -k _l -k __ -k add_view:3 \
    --add-comments=TRANSLATORS: \
    --project=SiLogistik \
    --sort-by-file \
    -o "$POT" "${INPUTS[@]}"

# Make FAB source references machine-independent
# (/path/to/site-packages/flask_appbuilder/x.py -> flask_appbuilder/x.py).
"$PYTHON" - "$POT" "$FAB_PARENT/" <<'PY'
import sys
path, prefix = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as f:
    text = f.read()
with open(path, "w", encoding="utf-8") as f:
    f.write(text.replace(prefix, ""))
PY

for loc in $LOCALES; do
    PO="translations/$loc/LC_MESSAGES/messages.po"
    if [ -f "$PO" ]; then
        "$PYBABEL" update -i "$POT" -d translations -l "$loc" \
            --no-fuzzy-matching --ignore-obsolete
    else
        "$PYBABEL" init -i "$POT" -d translations -l "$loc"
    fi
done

if [ "${1:-}" = "--compile" ]; then
    "$PYBABEL" compile -d translations --statistics
fi

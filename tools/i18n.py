"""Developer tool: extract messages, update the Chinese catalogue and report untranslated entries.

Usage: .venv/bin/python tools/i18n.py [--fill FILE.json]
FILE.json maps English msgids to Chinese translations to write into the catalogue.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
POT = ROOT / "app/translations/messages.pot"
PO = ROOT / "app/translations/zh/LC_MESSAGES/messages.po"
PYBABEL = str(Path(sys.executable).parent / "pybabel")


def main() -> int:
    subprocess.run([PYBABEL, "-q", "extract", "-F", "babel.cfg", "-k", "_l", "--ignore-dirs", ".* .venv node_modules", "--no-location", "--sort-output",
                    "-o", str(POT), "."], cwd=ROOT, check=True)
    subprocess.run([PYBABEL, "-q", "update", "-i", str(POT), "-d", "app/translations", "-l", "zh",
                    "--no-fuzzy-matching", "--ignore-obsolete"], cwd=ROOT, check=True)
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="zh")
    if len(sys.argv) == 3 and sys.argv[1] == "--fill":
        fills = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
        for message in catalog:
            if message.id and message.id in fills:
                message.string = fills[message.id]
        with PO.open("wb") as fh:
            write_po(fh, catalog, width=0, omit_header=False, sort_output=True, include_lineno=False)
    missing = [m.id for m in catalog if m.id and not m.string]
    for msgid in missing:
        print(json.dumps(msgid, ensure_ascii=False))
    print(f"{len(missing)} untranslated", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

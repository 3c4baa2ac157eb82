"""Compiled translation catalogues (.mo) made from the committed .po files when missing or older.

The repository holds only the .po files (translations/.gitignore): a PaaS build that runs no
`make setup` and a release phase on another dyno still serve Indonesian, because every process
compiles what it lacks when it starts (about a second, once per deploy). Each file is written to a
temporary name and renamed, so gunicorn workers starting together never read half a file. Where the
checkout is read-only, the catalogues are compiled into a temporary directory used instead.
"""

import logging
import os
import shutil
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)


def _stale(po: Path, mo: Path) -> bool:
    return not mo.is_file() or mo.stat().st_mtime < po.stat().st_mtime


def _compile(po: Path, mo: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as source:
        catalog = read_po(source, locale=po.parent.parent.name)
    temporary = mo.with_name(f".{mo.name}.{os.getpid()}.tmp")
    with temporary.open("wb") as target:
        write_mo(target, catalog, use_fuzzy=False)
    os.replace(temporary, mo)


def compile_missing(directory: str) -> str:
    """Compile every stale catalogue under `directory`; returns the directory to read them from."""
    root = Path(directory)
    pos = [po for po in root.glob("*/LC_MESSAGES/*.po") if _stale(po, po.with_suffix(".mo"))]
    if not pos:
        return directory
    if not os.access(root, os.W_OK) or not all(os.access(po.parent, os.W_OK) for po in pos):
        copy = Path(tempfile.mkdtemp(prefix="silogistik-translations-"))
        shutil.copytree(root, copy, dirs_exist_ok=True)
        root, pos = copy, [copy / po.relative_to(directory) for po in pos]
    for po in pos:
        log.info("compiling %s", po)
        _compile(po, po.with_suffix(".mo"))
    return str(root)

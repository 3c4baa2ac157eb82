"""Uploads are judged by their content: the type comes from the file's first bytes (the `filetype`
library's signatures), never from the name or the Content-Type the browser sent. Every upload goes
through `check` before it is stored; it is stored with the detected extension and served with the
detected type (`harden`: nosniff, and a download for anything that is not an image).

An .xlsx is a zip, so a zip is taken for a workbook only when it holds `[Content_Types].xml` and
`xl/workbook.xml` (read from the zip's directory, nothing is decompressed).
"""

import zipfile
from dataclasses import dataclass
from io import BytesIO

import filetype

from app.core.validation import FieldError

HEAD_BYTES = 8192  # filetype reads at most this many
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")


@dataclass(frozen=True)
class Detected:
    kind: str  # png, jpeg, webp, gif, pdf, xlsx
    mime: str
    extension: str  # without the dot

    @property
    def is_image(self) -> bool:
        return self.kind in IMAGES


KINDS = {
    "png": Detected("png", "image/png", "png"),
    "jpeg": Detected("jpeg", "image/jpeg", "jpg"),
    "webp": Detected("webp", "image/webp", "webp"),
    "gif": Detected("gif", "image/gif", "gif"),
    "pdf": Detected("pdf", "application/pdf", "pdf"),
    "xlsx": Detected("xlsx", XLSX_MIME, "xlsx"),
}
IMAGES = frozenset({"png", "jpeg", "webp", "gif"})
_BY_MIME = {d.mime: d for d in KINDS.values()}
_ZIP_MIMES = frozenset({"application/zip", XLSX_MIME})


def detect(content: bytes) -> Detected | None:
    """What the bytes are (one of KINDS), or None."""
    if not content:
        return None
    guess = filetype.guess(bytes(content[:HEAD_BYTES]))
    if guess is None:
        return None
    if guess.mime in _ZIP_MIMES:
        return KINDS["xlsx"] if _is_workbook(content) else None
    return _BY_MIME.get(guess.mime)


def _is_workbook(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    return all(part in names for part in XLSX_PARTS)


def check(content: bytes, allowed, *, field: str, message) -> Detected:
    """The detected kind when it is one of ``allowed`` (names of KINDS); else FieldError(field, message)."""
    found = detect(content)
    if found is None or found.kind not in allowed:
        raise FieldError(field, message)
    return found


def stored_name(client_name: str, detected: Detected, default: str = "file") -> str:
    """The client's file name (already made safe) with the detected extension instead of its own."""
    stem = (client_name or "").rsplit(".", 1)[0]
    return f"{stem.strip('.') or default}.{detected.extension}"


def harden(response, mime: str):
    """Serve an upload as what it is: its detected type, never sniffed, and downloaded unless an image."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    detected = _BY_MIME.get(mime)
    if (detected is None or not detected.is_image) and not response.headers.get("Content-Disposition", "").startswith(
        "attachment"
    ):
        response.headers["Content-Disposition"] = "attachment"
    return response

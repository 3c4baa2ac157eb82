"""Ticket attachments: PNG, JPEG or PDF by their content (app/core/uploads.py), at most 5 MB, stored
through app/core/storage.py and named with the detected extension."""

import uuid
from dataclasses import dataclass

from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from app.core import storage, uploads

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 5
KINDS = ("png", "jpeg", "pdf")


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes
    content_type: str


def sniff(content: bytes) -> uploads.Detected | None:
    found = uploads.detect(content)
    return found if found and found.kind in KINDS else None


def check_uploads(files) -> tuple[list[Upload], str | None]:
    """Read uploaded files (werkzeug FileStorage or (name, bytes)); return them or the first problem."""
    accepted = []
    for item in files or ():
        name, content = _read(item)
        if not name and not content:
            continue
        if len(content) > MAX_BYTES:
            return [], _("%(name)s is larger than 5 MB.", name=name)
        found = sniff(content)
        if found is None:
            return [], _("%(name)s is not a PNG, JPEG or PDF file.", name=name)
        accepted.append(Upload(uploads.stored_name(secure_filename(name), found, "lampiran"), content, found.mime))
    if len(accepted) > MAX_FILES:
        return [], _("At most %(count)d files per message.", count=MAX_FILES)
    return accepted, None


def _read(item) -> tuple[str, bytes]:
    if isinstance(item, tuple):
        return item
    content = item.read(MAX_BYTES + 1)
    return item.filename or "", content


def key_of(stored_name: str) -> str:
    """The storage key of an attachment (its row keeps only the stored name)."""
    return f"helpdesk/{stored_name}"


def store(upload: Upload) -> str:
    suffix = {"image/png": ".png", "image/jpeg": ".jpg", "application/pdf": ".pdf"}[upload.content_type]
    stored_name = uuid.uuid4().hex + suffix
    storage.put(key_of(stored_name), upload.content, upload.content_type)
    return stored_name

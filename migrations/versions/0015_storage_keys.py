"""Stored files are named by storage keys, not absolute paths

Logos (tenant_settings.logo_path) and job outputs (job_run.result_path) held absolute paths under
FILE_STORAGE_DIR, which only the dyno that wrote them could read. app/core/storage.py now stores
files under keys (relative names) in a local folder or an S3 bucket; each absolute path becomes its
key: the path relative to FILE_STORAGE_DIR, or, for a path from another folder (FILE_STORAGE_DIR
changed since), the tail that the app wrote under it ("<tenant id>/logo.png",
"invoices/<run id>/<file>.pdf"). A path that fits neither is emptied: no download is offered for it
instead of an error page. Downgrade: keys become absolute paths under FILE_STORAGE_DIR again.

Revision ID: 0015_storage_keys
Revises: 0014_numbers_periods
Create Date: 2026-12-07 16:40:00

"""

import os
import posixpath
from pathlib import PurePosixPath, PureWindowsPath

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_storage_keys"
down_revision = "0014_numbers_periods"
branch_labels = None
depends_on = None

COLUMNS = (("tenant_settings", "id", "logo_path", 2), ("job_run", "id", "result_path", 3))


def _storage_dir() -> str:
    try:
        from flask import current_app

        return current_app.config["FILE_STORAGE_DIR"]
    except (ImportError, RuntimeError, KeyError):
        return os.environ.get("FILE_STORAGE_DIR", "")


def _is_absolute(path: str) -> bool:
    return PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute()


def to_key(path: str, root: str, tail_parts: int) -> str | None:
    """The storage key for a stored absolute path (None when it cannot be one)."""
    if not _is_absolute(path):
        return path
    parts = PurePosixPath(path.replace("\\", "/")).parts
    root_parts = PurePosixPath(root.replace("\\", "/")).parts if root else ()
    if root_parts and parts[: len(root_parts)] == root_parts and len(parts) > len(root_parts):
        key = "/".join(parts[len(root_parts) :])
    elif len(parts) > tail_parts:
        key = "/".join(parts[-tail_parts:])
    else:
        return None
    if posixpath.normpath(key) != key or key.startswith(("/", "..")) or "/../" in key:
        return None
    return key


def _rewrite(convert) -> None:
    bind = op.get_bind()
    for table, pk, column, tail_parts in COLUMNS:
        rows = bind.execute(sa.text(f"SELECT {pk}, {column} FROM {table} WHERE {column} IS NOT NULL")).fetchall()
        for row_id, value in rows:
            new = convert(value, tail_parts)
            if new != value:
                bind.execute(
                    sa.text(f"UPDATE {table} SET {column} = :value WHERE {pk} = :id"), {"value": new, "id": row_id}
                )


def upgrade():
    root = _storage_dir()
    _rewrite(lambda value, tail_parts: to_key(value, root, tail_parts))


def downgrade():
    root = _storage_dir()
    _rewrite(lambda value, _tail: value if _is_absolute(value) else str(PurePosixPath(root) / value))

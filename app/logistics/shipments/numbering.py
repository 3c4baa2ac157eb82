"""Tracking number (resi) format: pure functions; the atomic per-tenant counter lives in the database.

Spec "Format Resi Otomatis": prefix "CGN10" + start number "00001" -> CGN1000001, CGN1000002, ...

* The prefix is 1-12 uppercase letters/digits (input is stripped and upper-cased).
* The start number is 1-12 digits; its length sets the zero padding and its value the first
  sequence ("00001" -> first sequence 1, padding 5). It must be at least 1.
* A sequence that outgrows the padding is not truncated or wrapped: it just gets longer
  (padding 5: 99999 -> CGN1099999, then 100000 -> CGN10100000).
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core.validation import FieldError

MAX_PREFIX_LENGTH = 12
MAX_PADDING = 12
PREFIX_FIELD = "prefix"
START_FIELD = "start_number"

_PREFIX_RE = re.compile(rf"[A-Z0-9]{{1,{MAX_PREFIX_LENGTH}}}")
_START_RE = re.compile(rf"[0-9]{{1,{MAX_PADDING}}}")


def normalize_prefix(prefix: Any, field: str = PREFIX_FIELD) -> str:
    """Return the prefix stripped and upper-cased, or raise FieldError."""
    value = str(prefix or "").strip().upper()
    if not value:
        raise FieldError(field, _l("The tracking number prefix is required."))
    if not _PREFIX_RE.fullmatch(value):
        raise FieldError(
            field,
            _l(
                "The prefix may only contain letters A-Z and digits, at most %(max)s characters.", max=MAX_PREFIX_LENGTH
            ),
        )
    return value


def parse_start(start: Any, field: str = START_FIELD) -> tuple[int, int]:
    """ "00001" -> (1, 5): the first sequence and the zero padding."""
    value = str(start or "").strip()
    if not value:
        raise FieldError(field, _l("The start number is required."))
    if not _START_RE.fullmatch(value):
        raise FieldError(field, _l("The start number may only contain digits, at most %(max)s.", max=MAX_PADDING))
    first = int(value)
    if first < 1:
        raise FieldError(field, _l("The start number must be at least 1."))
    return first, len(value)


def format_tracking_number(prefix: str, padding: int, sequence: int) -> str:
    """Prefix + sequence zero-padded to ``padding`` digits (longer when the sequence outgrows it)."""
    if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 1:
        raise FieldError("sequence", _l("The sequence must be a whole number of at least 1."))
    if isinstance(padding, bool) or not isinstance(padding, int) or not 1 <= padding <= MAX_PADDING:
        raise FieldError(START_FIELD, _l("The start number may only contain digits, at most %(max)s.", max=MAX_PADDING))
    return normalize_prefix(prefix) + str(sequence).zfill(padding)


def tracking_number_sql(prefix, padding, sequence):
    """:func:`format_tracking_number` in SQL (PostgreSQL), for a number taken by the statement that stores it."""
    digits = sa.cast(sequence, sa.Text)
    return prefix + sa.func.lpad(digits, sa.func.greatest(padding, sa.func.length(digits)), "0")


def format_start(sequence: int, padding: int) -> str:
    """The inverse of :func:`parse_start`: (1, 5) -> "00001" (for showing the setting back)."""
    return str(sequence).zfill(padding)


def preview(prefix: Any, start: Any, count: int = 3) -> list[str]:
    """Example numbers for the settings page: ("CGN10", "00001") -> [CGN1000001, CGN1000002, CGN1000003]."""
    clean = normalize_prefix(prefix)
    first, padding = parse_start(start)
    return [format_tracking_number(clean, padding, first + offset) for offset in range(max(count, 0))]

"""Rupiah, weight and WIB date formatting, the same in pages, PDFs and exports."""

import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")


def _group(digits: str) -> str:
    parts = []
    while len(digits) > 3:
        parts.insert(0, digits[-3:])
        digits = digits[:-3]
    parts.insert(0, digits)
    return ".".join(parts)


def rupiah(amount) -> str:
    """Rp 1.250.000 — whole Rupiah, dot as thousands separator."""
    if amount is None:
        return "-"
    value = Decimal(str(amount)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    return f"{sign}Rp {_group(str(abs(value)))}"


def kilograms(weight) -> str:
    """2,50 kg — decimal comma as Indonesians write it."""
    if weight is None:
        return "-"
    value = Decimal(str(weight)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{abs(value):.2f}".partition(".")
    sign = "-" if value < 0 else ""
    return f"{sign}{_group(whole)},{fraction} kg"


def dimensions(*sizes) -> str:
    """30 × 20,5 × 10 — an item's length, width and height in cm, as typed (no trailing zeros)."""
    return " × ".join(f"{float(size):g}".replace(".", ",") for size in sizes)


def to_jakarta(moment: datetime) -> datetime:
    """Stored datetimes are naive UTC; shown in WIB."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(JAKARTA)


def wib_datetime(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    return to_jakarta(moment).strftime("%d/%m/%Y %H:%M WIB")


def wib_date(value: date | datetime | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        value = to_jakarta(value).date()
    return value.strftime("%d/%m/%Y")


def jakarta_today(now: datetime | None = None) -> date:
    now = now or datetime.now(UTC)
    return to_jakarta(now).date()


def register_template_filters(app) -> None:
    app.add_template_filter(rupiah, "rupiah")
    app.add_template_filter(kilograms, "kg")
    app.add_template_filter(dimensions, "dimensions")
    app.add_template_filter(wib_datetime, "wib_datetime")
    app.add_template_filter(wib_date, "wib_date")
    app.add_template_filter(shown_value, "shown")


_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?")
EMPTY = "—"


def shown_value(value):
    """A value as a page shows it, never Python's own spelling: Ya / Tidak for booleans, "—" for
    nothing, dates and times in WIB (also inside the activity log's stored JSON), lists joined."""
    from flask_babel import gettext

    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime):
        return wib_datetime(value)
    if isinstance(value, date):
        return wib_date(value)
    if isinstance(value, str) and _ISO_MOMENT.fullmatch(value):
        return wib_datetime(datetime.fromisoformat(value))
    if isinstance(value, dict):
        return "; ".join(f"{key}: {shown_value(item)}" for key, item in value.items()) or EMPTY
    if isinstance(value, list | tuple | set):
        return ", ".join(str(shown_value(item)) for item in value) or EMPTY
    return value

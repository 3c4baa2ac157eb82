"""Indonesian holidays (libur nasional and cuti bersama, SKB 3 Menteri) imported into the helpdesk calendar
from `lokal`'s maintained dataset instead of typed in by hand."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from lokal.holidays import HOLIDAY_YEARS, get_holidays

from app.core.validation import FieldError
from app.extensions import db
from app.helpdesk.models import Holiday

CUTI_BERSAMA = "cuti_bersama"


@dataclass(frozen=True)
class Imported:
    year: int
    added: int
    kept: int


def importable_years() -> tuple[int, ...]:
    return HOLIDAY_YEARS


def _names_by_day(year: int) -> dict[date, str]:
    names: dict[date, list[str]] = {}
    for holiday in get_holidays(year).holidays:
        name = f"{holiday.name} (cuti bersama)" if holiday.type == CUTI_BERSAMA else holiday.name
        names.setdefault(date.fromisoformat(holiday.date), []).append(name)
    return {day: " / ".join(found) for day, found in names.items()}


def import_year(year: int) -> Imported:
    """Adds the year's holidays that are not in the calendar yet; a day already there (imported before or
    typed by hand) is kept as it is, so importing twice changes nothing. The caller commits."""
    if year not in HOLIDAY_YEARS:
        raise FieldError("year", _l("No official holiday list for %(year)s yet.", year=year))
    names = _names_by_day(year)
    present = set(db.session.execute(sa.select(Holiday.day).where(Holiday.day.in_(names))).scalars())
    db.session.add_all(Holiday(day=day, name=name[:150]) for day, name in sorted(names.items()) if day not in present)
    db.session.flush()
    return Imported(year, len(names) - len(present), len(present))
